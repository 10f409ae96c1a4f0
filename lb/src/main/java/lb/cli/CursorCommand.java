package lb.cli;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.liftbridge.proto.Api;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import lb.cli.position.Position;
import lb.cli.position.PositionParser;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import lb.client.LiftbridgeException;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code lb cursor}: read and move stored consumer positions. A cursor holds the offset of the
 * last message its consumer processed; the consumer resumes after it.
 */
@Command(name = "cursor", description = "Read, set and list stored cursors (consumer positions).",
        mixinStandardHelpOptions = true,
        subcommands = {CursorCommand.Get.class, CursorCommand.Set.class, CursorCommand.ListCmd.class})
final class CursorCommand {

    /** {@code lb cursor get}. */
    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print a cursor's offset (the last processed one), -1 when it has none (ro); "
                + "--json or --format json|yaml for the cursor as an object.")
    static final class Get extends BaseCommand {
        @Option(names = "--id", required = true, paramLabel = "ID", description = "Cursor id.")
        String id;
        @Parameters(paramLabel = "STREAM", description = "Stream the cursor is on.")
        String stream;
        @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Partition (default 0).")
        int partition;
        @Mixin
        Output output;

        @Override
        int execute() {
            Streams.select(Streams.require(client(), stream), new int[] {partition});
            long offset = client().fetchCursor(id, stream, partition);
            if (output.structured()) {
                output.print(out(), Output.object().put("id", id).put("stream", stream)
                        .put("partition", partition).put("offset", offset));
            } else {
                out().println(offset);
            }
            return ExitCodes.OK;
        }
    }

    /** {@code lb cursor set}. */
    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Store a cursor (rw): --offset N stores N as the last processed offset; "
                + "--to POS stores the offset before POS, so the consumer resumes at POS.",
                "POS: earliest, end, last, N, -N, +N, @TIME (as in tail and replay)."})
    static final class Set extends BaseCommand {
        @Option(names = "--id", required = true, paramLabel = "ID", description = "Cursor id.")
        String id;
        @Parameters(paramLabel = "STREAM", description = "Stream the cursor is on.")
        String stream;
        @Option(names = {"-p", "--partition"}, paramLabel = "P", description = "Partition (default 0).")
        int partition;
        @Option(names = "--offset", paramLabel = "N", description = "The last processed offset to store.")
        Long offset;
        @Option(names = "--to", paramLabel = "POS", description = "Resume at this position.")
        String to;

        @Override
        int execute() throws InterruptedException {
            if ((offset == null) == (to == null)) {
                throw new UsageException("give exactly one of --offset N and --to POS");
            }
            Streams.select(Streams.require(client(), stream), new int[] {partition});
            long value;
            if (offset != null) {
                value = offset;
            } else {
                Position pos;
                try {
                    pos = PositionParser.system().parsePosition(to);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                value = resumeAt(pos) - 1;
            }
            client().setCursor(id, stream, partition, value);
            status("cursor %s on %s[%d] set to %d", id, stream, partition, value);
            return ExitCodes.OK;
        }

        /** The offset a consumer reads next when it starts at {@code pos}. */
        private long resumeAt(Position pos) throws InterruptedException {
            Api.PartitionMetadata pm = client().fetchPartitionMetadata(stream, partition);
            long newest = pm.getNewestOffset();
            return switch (pos) {
                case Position.Offset o -> o.offset();
                case Position.End e -> newest + 1;
                case Position.Last l -> Math.max(0, newest);
                case Position.BeforeEnd b -> Math.max(0, newest + 1 - b.count());
                case Position.Earliest e -> firstAt(SubscriptionOptions.create().startAtEarliest(), newest + 1);
                case Position.AfterStart a -> firstAt(SubscriptionOptions.create().startAtEarliest(), newest + 1) + a.count();
                case Position.AtTime t -> firstAt(SubscriptionOptions.create().startAtTime(t.time()), newest + 1);
            };
        }

        private long firstAt(SubscriptionOptions o, long none) throws InterruptedException {
            if (none == 0) {
                return 0; // empty partition
            }
            try (Subscription s = client().subscribe(stream, o.partition(partition))) {
                Api.Message m = s.poll(Duration.ofSeconds(2));
                return m == null ? none : m.getOffset();
            }
        }
    }

    /** {@code lb cursor list}. */
    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "List stored cursors, read from the __cursors stream (ro).")
    static final class ListCmd extends BaseCommand {
        @Option(names = "--id", paramLabel = "ID", description = "Only this cursor id.")
        String id;
        @Parameters(paramLabel = "STREAM", arity = "0..1", description = "Only cursors on this stream.")
        String stream;
        @Mixin
        Output output;

        record Cursor(String id, String stream, int partition, long offset) {
        }

        @Override
        int execute() throws Exception {
            Api.StreamMetadata cursors;
            try {
                cursors = Streams.require(client(), "__cursors");
            } catch (LiftbridgeException e) {
                err().println("lb: cursors are disabled on this cluster (no __cursors stream)");
                return ExitCodes.NOT_FOUND;
            }
            Map<String, Cursor> latest = new TreeMap<>();
            try (MessageReader r = new MessageReader(client(), "__cursors")) {
                for (int p : Streams.select(cursors, null)) {
                    r.open(p, new Range(new Position.Earliest(), new Stop.Latest()));
                }
                while (r.running() > 0) {
                    MessageReader.Item i = r.next(Duration.ofMillis(200));
                    if (i == null) {
                        continue;
                    }
                    if (i.error() != null) {
                        throw i.error();
                    }
                    Cursor c = decode(i.message().getValue().toByteArray());
                    if (c != null) {
                        latest.put(c.id() + "\u0000" + c.stream() + "\u0000" + String.format("%010d", c.partition()), c);
                    }
                }
            }
            var shown = latest.values().stream()
                    .filter(c -> (id == null || c.id().equals(id)) && (stream == null || c.stream().equals(stream)))
                    .toList();
            if (output.structured()) {
                ArrayNode a = Output.json().createArrayNode();
                shown.forEach(c -> a.addObject().put("id", c.id()).put("stream", c.stream())
                        .put("partition", c.partition()).put("offset", c.offset()));
                output.print(out(), a);
            } else {
                Output.Table t = new Output.Table("CURSOR", "STREAM", "PARTITION", "OFFSET");
                shown.forEach(c -> t.row(c.id(), c.stream(), c.partition(), c.offset()));
                t.print(out(), root().color(io().outTty));
            }
            return ExitCodes.OK;
        }

        /** A stored Cursor: stream = 1, partition = 2, cursorId = 3, offset = 4 (wire-contract). */
        static Cursor decode(byte[] b) throws IOException {
            CodedInputStream in = CodedInputStream.newInstance(b);
            String stream = "";
            String id = "";
            int partition = 0;
            long offset = 0;
            int tag;
            while ((tag = in.readTag()) != 0) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> stream = in.readString();
                    case 2 -> partition = in.readInt32();
                    case 3 -> id = in.readString();
                    case 4 -> offset = in.readInt64();
                    default -> in.skipField(tag);
                }
            }
            return id.isEmpty() ? null : new Cursor(id, stream, partition, offset);
        }
    }
}
