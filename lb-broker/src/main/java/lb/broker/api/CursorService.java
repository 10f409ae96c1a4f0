package lb.broker.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.liftbridge.proto.Api;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import lb.broker.metadata.PartitionInfo;
import lb.broker.metadata.StreamInfo;
import lb.broker.partition.Partition;
import lb.broker.partition.PartitionReader;

/**
 * Cursors (wire-contract §3.12, behavior.md §10): a cursor is a message in the compacted
 * {@code __cursors} stream, keyed {@code <cursorId>,<stream>,<partition>}, whose value is the
 * internal {@code Cursor} protobuf; the owning partition is CRC-32/IEEE(key) mod its partition
 * count. Writes go through the normal publish path with AckPolicy ALL; reads come from a small
 * LRU cache or a scan of the partition that keeps the latest value written for the key (the
 * post-1.9 behaviour; v1.9 returned the largest offset ever stored, §15.30).
 *
 * <p>Thread-safe: the cache is synchronized; scans read committed data only.
 */
final class CursorService {

    static final String STREAM = "__cursors";
    private static final int CACHE_SIZE = 512;

    private final BrokerContext ctx;
    private final AckRouter acks;
    private final Map<String, Long> cache = new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
            return size() > CACHE_SIZE;
        }
    };

    CursorService(BrokerContext ctx, AckRouter acks) {
        this.ctx = ctx;
        this.acks = acks;
    }

    void set(Api.SetCursorRequest req, long timeoutNs, ApiService api) {
        PartitionInfo p = owner(req.getStream(), req.getCursorId(), req.getPartition());
        String key = key(req.getCursorId(), req.getStream(), req.getPartition());
        api.resume(p, false);
        String inbox = acks.newInbox();
        Api.Message env = Api.Message.newBuilder()
                .setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFrom(encode(req.getStream(), req.getPartition(), req.getCursorId(),
                        req.getOffset())))
                .setSubject(p.subject())
                .setAckInbox(inbox)
                .setAckPolicy(Api.AckPolicy.ALL)
                .setOffset(-1)
                .build();
        Api.Ack ack;
        try {
            ack = api.publishAndAwait(p.subject(), env, inbox);
            ApiService.throwIfAckError(ack);
        } catch (io.grpc.StatusRuntimeException e) {
            throw ApiError.CURSOR_WRITE_FAILED.exception(e.getStatus().getDescription());
        }
        synchronized (cache) {
            cache.put(key, req.getOffset());
        }
    }

    long fetch(Api.FetchCursorRequest req, ApiService api) {
        PartitionInfo p = owner(req.getStream(), req.getCursorId(), req.getPartition());
        String key = key(req.getCursorId(), req.getStream(), req.getPartition());
        synchronized (cache) {
            Long hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        api.resume(p, false); // a scan resumes a paused partition (§10)
        Partition local = ctx.partitions().get(p.stream(), p.id());
        if (local == null || local.highWatermark() < 0) {
            return -1;
        }
        long found = -1;
        byte[] want = key.getBytes(StandardCharsets.UTF_8);
        try (PartitionReader r = local.newReader(0, local.highWatermark())) {
            while (true) {
                PartitionReader.Batch b = r.next(1024, 1000);
                for (Api.Message m : b.messages()) {
                    if (m.getKey().equals(ByteString.copyFrom(want))) {
                        found = decodeOffset(m.getValue());
                    }
                }
                if (b.end() != null || b.messages().isEmpty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw io.grpc.Status.CANCELLED.withDescription("interrupted").asRuntimeException();
        } catch (RuntimeException e) {
            throw ApiError.CURSOR_READ_FAILED.exception(Errors.toStatus(e).getDescription());
        }
        if (found >= 0) {
            synchronized (cache) {
                cache.put(key, found);
            }
        }
        return found;
    }

    /** Checks 1, 2 and 4–6 of §3.12 and returns the owning {@code __cursors} partition. */
    private PartitionInfo owner(String stream, String cursorId, int partition) {
        if (stream.isEmpty()) {
            throw ApiError.CURSOR_NO_STREAM.exception();
        }
        if (cursorId.isEmpty()) {
            throw ApiError.CURSOR_NO_ID.exception();
        }
        StreamInfo s = ctx.fsm().view().stream(STREAM);
        if (s == null) {
            throw ApiError.CURSORS_DISABLED.exception();
        }
        int n = partitionFor(key(cursorId, stream, partition), s.partitions().size());
        PartitionInfo p = s.partition(n);
        if (p == null) {
            throw ApiError.CURSORS_PARTITION_MISSING.exception(n);
        }
        if (!ctx.serverId().equals(p.leader())) {
            throw ApiError.NOT_CURSORS_LEADER.exception(n);
        }
        return p;
    }

    static String key(String cursorId, String stream, int partition) {
        return cursorId + "," + stream + "," + partition;
    }

    static int partitionFor(String key, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** The internal {@code Cursor} message: stream = 1, partition = 2, cursorId = 3, offset = 4. */
    static byte[] encode(String stream, int partition, String cursorId, long offset) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (!stream.isEmpty()) {
                out.writeString(1, stream);
            }
            if (partition != 0) {
                out.writeInt32(2, partition);
            }
            if (!cursorId.isEmpty()) {
                out.writeString(3, cursorId);
            }
            if (offset != 0) {
                out.writeInt64(4, offset);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory failed", e);
        }
    }

    /** The offset field of a stored {@code Cursor}; -1 when the value does not parse. */
    static long decodeOffset(ByteString value) {
        try {
            CodedInputStream in = value.newCodedInput();
            long offset = 0;
            for (int tag; (tag = in.readTag()) != 0; ) {
                if (tag == (4 << 3)) {
                    offset = in.readInt64();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
            return offset;
        } catch (IOException e) {
            return -1; // a foreign message in __cursors: not a cursor
        }
    }
}
