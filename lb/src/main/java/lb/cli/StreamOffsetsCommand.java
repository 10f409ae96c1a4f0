package lb.cli;

import io.liftbridge.proto.Api;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lb.cli.position.Position;
import lb.cli.position.PositionParser;
import lb.client.LiftbridgeException;
import lb.client.Subscription;
import lb.client.SubscriptionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code lb stream offsets NAME [POS]} (kcat -Q): per partition, the offset a position resolves
 * to (for {@code @TIME}: the first message at or after that time) and the oldest, newest and
 * high-watermark offsets. Runs on the caller's thread.
 *
 * <p>Liftbridge has no offset-for-time or log-start call: the oldest retained offset and the
 * offset for a time are found the way {@code tail --from @TIME} finds them, by subscribing
 * (StartAtEarliestReceived / StartAtTime, stopping at the newest offset) and taking the first
 * message; that also gives each offset's timestamp. A time after the newest message resolves to
 * the next offset to be written (newest + 1), as Kafka's ListOffsets does, with no time.
 */
@Command(name = "offsets", description = {"Offsets per partition: oldest, newest, high watermark, "
        + "and what a position resolves to, e.g. the first offset at or after a time (ro).",
        "POS: earliest, end, last, N (offset), -N (N before the end), +N (N after the start) or @TIME "
            + "(TIME: epoch ms or s, YYYY-MM-DD, RFC 3339, or a duration from now such as @-2h)."},
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  lb stream offsets orders                    # oldest, newest and HW of each partition",
            "  lb stream offsets orders @2025-03-01        # first offset at or after midnight UTC",
            "  lb stream offsets orders @-1h -p 0 --json"})
final class StreamOffsetsCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "NAME", description = "Stream name.")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "POS", description = "A position to resolve, e.g. @TIME, -10, last.")
    String position;

    @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", converter = Partitions.class,
            description = "Only these partitions, e.g. 0,2 or 0-3 (default: all).")
    Partitions.Selection partitions;

    @Mixin
    Output output;

    /**
     * One partition's answer; a null value is unknown (offset and time without POS, or of a
     * partition that could not be read);
     * {@code note} says why a partition could not be read (paused, or the error), else null.
     */
    record Row(int partition, Long offset, Instant time, Long oldest, Long newest, Long highWatermark, String note) {
    }

    @Override
    int execute() throws InterruptedException {
        Position pos;
        try {
            pos = position == null ? null : PositionParser.system().parsePosition(position);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean json = output.structured();
        Api.StreamMetadata s = Streams.require(client(), name);
        Duration timeout = root().connection.resolve(io()).timeoutDuration();
        List<Row> rows = new ArrayList<>();
        int failed = 0;
        LiftbridgeException lastError = null;
        for (int p : Streams.select(s, partitions == null ? null : partitions.ids())) {
            try {
                rows.add(resolve(p, pos, timeout));
            } catch (LiftbridgeException e) {
                // A paused partition has no running leader to ask or read (and the cluster
                // metadata carries no offsets): its row says so. Anything else is a failure.
                boolean paused = s.getPartitionsMap().get(p).getPaused();
                rows.add(new Row(p, null, null, null, null, null, paused ? "paused" : e.getMessage()));
                err().println("lb: " + name + "[" + p + "]: " + (paused
                        ? "paused: no oldest offset or position until it resumes (publishing resumes it)"
                        : e.getMessage()));
                if (!paused) {
                    failed++;
                    lastError = e;
                }
            }
        }
        PrintWriter out = out();
        if (json) {
            ObjectNode o = Output.object();
            o.put("stream", name);
            if (pos == null) {
                o.putNull("position");
            } else {
                o.put("position", pos.toString());
            }
            ArrayNode a = o.putArray("partitions");
            for (Row r : rows) {
                ObjectNode po = a.addObject();
                po.put("partition", r.partition());
                if (pos != null) {
                    putOrNull(po, "offset", r.offset());
                    if (r.time() == null) {
                        po.putNull("time");
                    } else {
                        po.put("time", r.time().toString());
                    }
                }
                putOrNull(po, "oldest", r.oldest());
                putOrNull(po, "newest", r.newest());
                putOrNull(po, "high_watermark", r.highWatermark());
                if (r.note() == null) {
                    po.putNull("note");
                } else {
                    po.put("note", r.note());
                }
            }
            output.print(out, o);
            return exitCode(failed, rows.size(), lastError);
        }
        Output.Table t = pos == null ? new Output.Table("PARTITION", "OLDEST", "NEWEST", "HW")
                : new Output.Table("PARTITION", "OFFSET", "TIME", "OLDEST", "NEWEST", "HW");
        for (Row r : rows) {
            if (pos == null) {
                t.row(r.partition(), dash(r.oldest()), dash(r.newest()), dash(r.highWatermark()));
            } else {
                t.row(r.partition(), dash(r.offset()), dash(r.time()), dash(r.oldest()), dash(r.newest()),
                        dash(r.highWatermark()));
            }
        }
        t.print(out, root().color(io().outTty));
        return exitCode(failed, rows.size(), lastError);
    }

    private static Object dash(Object v) {
        return v == null ? "-" : v;
    }

    private static int exitCode(int failed, int total, LiftbridgeException last) {
        if (failed == 0) {
            return ExitCodes.OK;
        }
        return failed == total ? Errors.exitCode(last) : ExitCodes.PARTIAL;
    }

    private static void putOrNull(ObjectNode o, String field, Long v) {
        if (v == null) {
            o.putNull(field);
        } else {
            o.put(field, v);
        }
    }

    private Row resolve(int p, Position pos, Duration timeout) throws InterruptedException {
        Api.PartitionMetadata pm = client().fetchPartitionMetadata(name, p);
        long newest = pm.getNewestOffset();
        long hw = pm.getHighWatermark();
        Api.Message first = newest < 0 ? null : first(p, SubscriptionOptions.create().startAtEarliest(), newest, timeout);
        Long oldest = first == null ? null : first.getOffset();
        if (pos == null) {
            return new Row(p, null, null, oldest, newest, hw, null);
        }
        long next = newest + 1;
        Api.Message at = switch (pos) {
            case Position.Earliest e -> first;
            case Position.End e -> null;
            case Position.Last l -> newest < 0 ? null : at(p, newest, timeout);
            case Position.Offset o -> o.offset() > newest ? null : at(p, o.offset(), timeout);
            case Position.BeforeEnd b -> oldest == null ? null : at(p, Math.max(oldest, next - b.count()), timeout);
            case Position.AfterStart a -> oldest == null || oldest + a.count() > newest ? null
                    : at(p, oldest + a.count(), timeout);
            case Position.AtTime t -> newest < 0 ? null
                    : first(p, SubscriptionOptions.create().startAtTime(t.time()), newest, timeout);
        };
        if (at != null) {
            return new Row(p, at.getOffset(), Instant.ofEpochSecond(0, at.getTimestamp()), oldest, newest, hw, null);
        }
        // No message there: an absolute offset stays what it was; everything else is "the next one".
        long offset = pos instanceof Position.Offset o ? o.offset() : next;
        return new Row(p, offset, null, oldest, newest, hw, null);
    }

    /** The message at or after {@code offset} (compaction may have removed that one). */
    private Api.Message at(int p, long offset, Duration timeout) throws InterruptedException {
        return first(p, SubscriptionOptions.create().startAtOffset(offset), Long.MAX_VALUE, timeout);
    }

    /** The first message of a subscription stopping at {@code stop}, or null when there is none. */
    private Api.Message first(int p, SubscriptionOptions o, long stop, Duration timeout) throws InterruptedException {
        o.partition(p).window(1);
        if (stop != Long.MAX_VALUE) {
            o.stopAtOffset(stop);
        } else {
            o.stopAtLatest();
        }
        try (Subscription s = client().subscribe(name, o)) {
            return s.poll(timeout);
        } catch (LiftbridgeException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("Stop offset is before start offset") || m.contains("Stream is empty")
                    || m.contains("no message at or")) {
                return null; // nothing between the start and the stop
            }
            throw e;
        }
    }
}
