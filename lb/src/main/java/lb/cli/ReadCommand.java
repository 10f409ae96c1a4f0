package lb.cli;

import io.liftbridge.proto.Api;
import java.time.Duration;
import lb.cli.format.MessageFormatter;
import lb.cli.format.MessageView;
import lb.cli.position.Position;
import lb.cli.position.PositionParser;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import lb.client.LiftbridgeException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tail} and {@code replay}: read a range of a stream's partitions and print each message
 * in the chosen format (CLI.md "Positions", "Output formats for messages"). The two differ only
 * in their default range and in whether a progress bar makes sense.
 */
abstract class ReadCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to read.")
    String stream;

    @Option(names = {"-o", "--offset"}, paramLabel = "RANGE",
            description = "Where to start and stop: POS, POS:POS, :POS or POS: (see Positions below).")
    String offset;

    @Option(names = {"--from", "--from-offset"}, paramLabel = "POS", description = "Start position (instead of -o).")
    String from;

    @Option(names = "--to", paramLabel = "POS", description = "Stop position, inclusive: end, N or @TIME (instead of -o).")
    String to;

    @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", converter = Partitions.class,
            description = "Only these partitions (default: all).")
    Partitions.Selection partitions;

    @Option(names = "-n", paramLabel = "N", description = "Start N messages before the end of each partition.")
    Long last;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N messages in total.")
    Long count;

    @Mixin
    MessageFormatOptions messageFormat;

    @Option(names = "--exit-empty", paramLabel = "CODE", description = "Exit with CODE when no message was read (default: 0, success).")
    Integer exitEmpty;

    abstract Range defaultRange();

    /** Whether this command shows a progress bar when stderr is a terminal. */
    abstract boolean progressWanted();

    abstract String verb();

    Range range() {
        PositionParser pp = PositionParser.system();
        Range d = defaultRange();
        try {
            if (offset != null && (from != null || to != null || last != null)) {
                throw new UsageException("use either -o/--offset or --from/--to/-n, not both");
            }
            if (last != null && from != null) {
                throw new UsageException("use either -n or --from, not both");
            }
            if (offset != null) {
                return pp.parseRange(offset, d.from(), d.to());
            }
            Position f = from != null ? pp.parsePosition(from)
                    : last != null ? new Position.BeforeEnd(last) : d.from();
            Stop t = to != null ? pp.parseStop(to) : d.to();
            return new Range(f, t);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Override
    int execute() throws Exception {
        Range range = range();
        MessageFormatter fmt = messageFormat.formatter(io(), root());
        if (range.from() instanceof Position.End && range.to() instanceof Stop.Latest) {
            status("note: 'end' as a start means new messages only; use 'last' for the newest existing one");
        }
        Api.StreamMetadata s = Streams.require(client(), stream);
        int[] ps = Streams.select(s, partitions == null ? null : partitions.ids());
        Io io = io();
        long n = 0;
        long t0 = System.nanoTime();
        try (MessageReader reader = new MessageReader(client(), stream); AutoCloseable sig = Signals.install(io)) {
            Runnable cancel = reader::close;
            io.onCancel(cancel);
            try {
                for (int p : ps) {
                    reader.open(p, range);
                }
                Progress progress = new Progress(io.err, progressWanted() && io.errTty && !quiet()
                        && reader.expected() >= 0, "reading", reader.expected());
                LiftbridgeException failure = null;
                int failures = 0;
                while (reader.running() > 0 && !io.cancelled()) {
                    MessageReader.Item item = reader.next(Duration.ZERO);
                    if (item == null && reader.running() > 0) {
                        io.out.flush();
                        item = reader.next(Duration.ofMillis(200));
                    }
                    if (item == null) {
                        continue;
                    }
                    if (item.error() != null) {
                        failures++;
                        failure = item.error();
                        err().println("lb: " + stream + "[" + item.partition() + "]: " + item.error().getMessage());
                        continue;
                    }
                    n++;
                    fmt.write(MessageView.of(item.message()), n, io.out);
                    if (io.out.checkError()) {
                        return ExitCodes.OK; // broken pipe: the reader went away (e.g. `| head`)
                    }
                    progress.total(reader.expected());
                    progress.advance(1);
                    if (count != null && n >= count) {
                        break;
                    }
                }
                io.out.flush();
                progress.finish();
                if (io.out.checkError()) {
                    return ExitCodes.OK;
                }
                if (io.cancelled()) {
                    status("interrupted after %d message%s", n, n == 1 ? "" : "s");
                    return ExitCodes.INTERRUPTED;
                }
                if (failure != null) {
                    return failures == ps.length ? Errors.exitCode(failure) : ExitCodes.PARTIAL;
                }
            } finally {
                io.removeOnCancel(cancel);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (progressWanted()) {
            status("%s %d message%s from %s in %.1f s", verb(), n, n == 1 ? "" : "s", stream, secs);
        }
        if (n == 0 && exitEmpty != null) {
            return exitEmpty;
        }
        return ExitCodes.OK;
    }
}
