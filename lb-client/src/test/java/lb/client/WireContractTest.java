package lb.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.liftbridge.proto.APIGrpc;
import io.liftbridge.proto.Api;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins api.proto to the Liftbridge v1.9.0 wire (wire-contract.md §1-2): a renumbered,
 * retyped, renamed, missing or extra field, enum value or RPC fails the build.
 */
class WireContractTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyFieldHasTheSpecifiedNumberAndTypeAndNothingElseExists() throws IOException {
        TreeSet<String> expected = new TreeSet<>(readSpecFields());
        TreeSet<String> actual = new TreeSet<>();
        for (Descriptor message : Api.getDescriptor().getMessageTypes()) {
            for (FieldDescriptor f : message.getFields()) {
                actual.add(message.getName() + "." + f.getName() + " " + f.getNumber() + " "
                        + typeName(f));
            }
        }
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        TreeSet<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        assertEquals("", String.join("\n", missing), "fields the spec has and api.proto lacks");
        assertEquals("", String.join("\n", extra), "fields api.proto has and the spec lacks");
    }

    @Test
    void enumsHaveTheSpecifiedValues() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("StartPosition", "NEW_ONLY=0 OFFSET=1 EARLIEST=2 LATEST=3 TIMESTAMP=4");
        expected.put("StopPosition", "STOP_ON_CANCEL=0 STOP_OFFSET=1 STOP_LATEST=2 STOP_TIMESTAMP=3");
        expected.put("AckPolicy", "LEADER=0 ALL=1 NONE=2");
        expected.put("ActivityStreamOp", "CREATE_STREAM=0 DELETE_STREAM=1 PAUSE_STREAM=2 "
                + "RESUME_STREAM=3 SET_STREAM_READONLY=4 JOIN_CONSUMER_GROUP=5 LEAVE_CONSUMER_GROUP=6");
        expected.put("PublishAsyncError.Code", "UNKNOWN=0 BAD_REQUEST=1 NOT_FOUND=2 INTERNAL=3 "
                + "READONLY=4 INCORRECT_OFFSET=5 ENCRYPTION_FAILED=6 PERMISSION_DENIED=7");
        expected.put("StreamMetadata.Error", "OK=0 UNKNOWN_STREAM=1");
        expected.put("ConsumerGroupMetadata.Error", "OK=0 UNKNOWN_GROUP=1");
        expected.put("Ack.Error", "OK=0 UNKNOWN=1 INCORRECT_OFFSET=2 TOO_LARGE=3 ENCRYPTION=4");

        Map<String, String> actual = new LinkedHashMap<>();
        for (EnumDescriptor e : Api.getDescriptor().getEnumTypes()) {
            actual.put(e.getName(), values(e));
        }
        for (Descriptor m : Api.getDescriptor().getMessageTypes()) {
            for (EnumDescriptor e : m.getEnumTypes()) {
                actual.put(m.getName() + "." + e.getName(), values(e));
            }
        }
        assertEquals(expected, actual);
    }

    @Test
    void serviceHasEveryRpcAtItsPathWithItsShape() {
        ServiceDescriptor api = Api.getDescriptor().findServiceByName("API");
        assertEquals("proto.API", api.getFullName());
        assertEquals("proto.API", APIGrpc.SERVICE_NAME);
        List<String> actual = new ArrayList<>();
        for (MethodDescriptor m : api.getMethods()) {
            actual.add("/" + api.getFullName() + "/" + m.getName() + " "
                    + m.getInputType().getName() + (m.isClientStreaming() ? "*" : "") + " -> "
                    + m.getOutputType().getName() + (m.isServerStreaming() ? "*" : ""));
        }
        assertEquals(List.of(
                "/proto.API/CreateStream CreateStreamRequest -> CreateStreamResponse",
                "/proto.API/DeleteStream DeleteStreamRequest -> DeleteStreamResponse",
                "/proto.API/PauseStream PauseStreamRequest -> PauseStreamResponse",
                "/proto.API/SetStreamReadonly SetStreamReadonlyRequest -> SetStreamReadonlyResponse",
                "/proto.API/Subscribe SubscribeRequest -> Message*",
                "/proto.API/FetchMetadata FetchMetadataRequest -> FetchMetadataResponse",
                "/proto.API/FetchPartitionMetadata FetchPartitionMetadataRequest -> "
                        + "FetchPartitionMetadataResponse",
                "/proto.API/Publish PublishRequest -> PublishResponse",
                "/proto.API/PublishAsync PublishRequest* -> PublishResponse*",
                "/proto.API/PublishToSubject PublishToSubjectRequest -> PublishToSubjectResponse",
                "/proto.API/SetCursor SetCursorRequest -> SetCursorResponse",
                "/proto.API/FetchCursor FetchCursorRequest -> FetchCursorResponse",
                "/proto.API/JoinConsumerGroup JoinConsumerGroupRequest -> JoinConsumerGroupResponse",
                "/proto.API/LeaveConsumerGroup LeaveConsumerGroupRequest -> LeaveConsumerGroupResponse",
                "/proto.API/FetchConsumerGroupAssignments FetchConsumerGroupAssignmentsRequest -> "
                        + "FetchConsumerGroupAssignmentsResponse",
                "/proto.API/ReportConsumerGroupCoordinator ReportConsumerGroupCoordinatorRequest -> "
                        + "ReportConsumerGroupCoordinatorResponse"),
                actual);
        assertEquals("proto.API/Publish", APIGrpc.getPublishMethod().getFullMethodName());
    }

    @Test
    void publishRequestEncodesToTheseBytes() {
        Api.PublishRequest req = Api.PublishRequest.newBuilder()
                .setKey(bytes("k"))
                .setValue(bytes("v"))
                .setStream("s")
                .setPartition(2)
                .putHeaders("h", bytes("x"))
                .setAckInbox("i")
                .setCorrelationId("c")
                .setAckPolicy(Api.AckPolicy.ALL)
                .setExpectedOffset(-1)
                .build();
        // tag = field << 3 | wire type: 0x0a key(1,LEN) 0x12 value(2,LEN) 0x1a stream(3,LEN)
        // 0x20 partition(4,VARINT) 0x2a headers(5,LEN: entry{0x0a key, 0x12 value})
        // 0x32 ackInbox(6) 0x3a correlationId(7) 0x40 ackPolicy(8,VARINT)
        // 0x48 expectedOffset(9,VARINT; -1 as a ten-byte two's-complement varint)
        assertBytes("0a016b" + "120176" + "1a0173" + "2002" + "2a060a0168120178" + "320169"
                + "3a0163" + "4001" + "48ffffffffffffffffff01", req.toByteArray());
        assertEquals(req, parse(Api.PublishRequest.parser(), req.toByteArray()));
    }

    @Test
    void messageEncodesToTheseBytes() {
        Api.Message m = Api.Message.newBuilder()
                .setOffset(300)
                .setKey(bytes("k"))
                .setValue(bytes("v"))
                .setTimestamp(1)
                .setStream("s")
                .setPartition(1)
                .setSubject("a")
                .setReplySubject("r")
                .putHeaders("h", bytes("x"))
                .setAckInbox("i")
                .setCorrelationId("c")
                .setAckPolicy(Api.AckPolicy.NONE)
                .build();
        assertBytes("08ac02" + "12016b" + "1a0176" + "2001" + "2a0173" + "3001" + "3a0161"
                + "420172" + "4a060a0168120178" + "520169" + "5a0163" + "6002", m.toByteArray());
    }

    @Test
    void ackEncodesToTheseBytes() {
        Api.Ack ack = Api.Ack.newBuilder()
                .setStream("s")
                .setPartitionSubject("p")
                .setMsgSubject("m")
                .setOffset(7)
                .setAckInbox("i")
                .setCorrelationId("c")
                .setAckPolicy(Api.AckPolicy.ALL)
                .setReceptionTimestamp(2)
                .setCommitTimestamp(3)
                .setAckError(Api.Ack.Error.TOO_LARGE)
                .build();
        assertBytes("0a0173" + "120170" + "1a016d" + "2007" + "2a0169" + "320163" + "3801"
                + "4002" + "4803" + "5003", ack.toByteArray());
    }

    @Test
    void createStreamWrappersAndSubscribeEncodeToTheseBytes() {
        Api.CreateStreamRequest create = Api.CreateStreamRequest.newBuilder()
                .setSubject("a")
                .setName("b")
                .setPartitions(3)
                .setRetentionMaxAge(Api.NullableInt64.newBuilder().setValue(0))
                .setEncryption(Api.NullableBool.newBuilder().setValue(true))
                .build();
        // A present wrapper with the zero value is still on the wire (field 8, empty message):
        // that is how "override with 0" differs from "use the default".
        // encryption is field 18: its tag needs two varint bytes (0x92 0x01).
        assertBytes("0a0161" + "120162" + "2803" + "4200" + "9201020801", create.toByteArray());

        Api.SubscribeRequest sub = Api.SubscribeRequest.newBuilder()
                .setStream("s")
                .setStartPosition(Api.StartPosition.TIMESTAMP)
                .setStartTimestamp(5)
                .setStopPosition(Api.StopPosition.STOP_OFFSET)
                .setStopOffset(9)
                .setConsumer(Api.Consumer.newBuilder().setGroupId("g").setGroupEpoch(4)
                        .setConsumerId("c"))
                .build();
        // consumer (11, LEN): {0x0a groupId "g", 0x10 groupEpoch 4, 0x1a consumerId "c"}
        assertBytes("0a0173" + "1804" + "2805" + "4001" + "4809" + "5a080a016710041a0163",
                sub.toByteArray());
    }

    @Test
    void partitionMetadataMapAndTimestampsEncodeToTheseBytes() {
        Api.StreamMetadata sm = Api.StreamMetadata.newBuilder()
                .setName("n")
                .setError(Api.StreamMetadata.Error.UNKNOWN_STREAM)
                .putPartitions(1, Api.PartitionMetadata.newBuilder().setId(1).setHighWatermark(-1)
                        .setPaused(true).build())
                .build();
        // partitions map entry (field 4): {0x08 key=1, 0x12 value{0x08 id=1, 0x28 hw=-1, 0x38 paused}}
        assertBytes("0a016e" + "1801" + "2213" + "0801" + "120f" + "0801"
                + "28ffffffffffffffffff01" + "3801", sm.toByteArray());
    }

    private static String values(EnumDescriptor e) {
        return e.getValues().stream().map(v -> v.getName() + "=" + v.getNumber())
                .collect(Collectors.joining(" "));
    }

    private static String typeName(FieldDescriptor f) {
        if (f.isMapField()) {
            Descriptor entry = f.getMessageType();
            return "map<" + typeName(entry.findFieldByName("key")) + ", "
                    + typeName(entry.findFieldByName("value")) + ">";
        }
        String base = switch (f.getType()) {
            case MESSAGE -> relative(f.getMessageType().getFullName());
            case ENUM -> relative(f.getEnumType().getFullName());
            default -> f.getType().name().toLowerCase();
        };
        return f.isRepeated() ? "repeated " + base : base;
    }

    private static String relative(String fullName) {
        return fullName.startsWith("proto.") ? fullName.substring("proto.".length()) : fullName;
    }

    private static List<String> readSpecFields() throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                WireContractTest.class.getResourceAsStream("wire-fields.txt"),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.trim());
                }
            }
        }
        return out;
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static <T> T parse(com.google.protobuf.Parser<T> parser, byte[] b) {
        try {
            return parser.parseFrom(b);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertBytes(String expectedHex, byte[] actual) {
        assertEquals(expectedHex, HEX.formatHex(actual));
        assertArrayEquals(HEX.parseHex(expectedHex), actual);
    }
}
