package lb.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import io.liftbridge.proto.Api;
import java.time.Duration;
import java.time.Instant;
import lb.cli.position.Position;
import lb.cli.position.PositionParser;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** {@code lb activity tail}: the {@code __activity} stream, decoded. */
@Command(name = "activity", description = "The cluster's activity stream (stream and group changes).",
        mixinStandardHelpOptions = true, subcommands = ActivityCommand.Tail.class)
final class ActivityCommand {

    /** {@code lb activity tail [POS]}. */
    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = "Print activity events from POS (default: new only) until Ctrl-C, or to the end with --to end (ro).")
    static final class Tail extends BaseCommand {
        @Parameters(paramLabel = "POS", arity = "0..1", description = "Start position (default end = new events only).")
        String from = "end";
        @Option(names = "--to", paramLabel = "POS", description = "Stop position (end, N or @TIME).")
        String to;
        @Mixin
        Output output;

        @Override
        int execute() throws Exception {
            Range range;
            try {
                PositionParser pp = PositionParser.system();
                range = new Range(pp.parsePosition(from), to == null ? new Stop.Never() : pp.parseStop(to));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            Streams.require(client(), "__activity");
            Io io = io();
            try (MessageReader r = new MessageReader(client(), "__activity"); AutoCloseable sig = Signals.install(io)) {
                Runnable cancel = r::close;
                io.onCancel(cancel);
                try {
                    r.open(0, range);
                    while (r.running() > 0 && !io.cancelled()) {
                        MessageReader.Item i = r.next(Duration.ofMillis(200));
                        if (i == null) {
                            continue;
                        }
                        if (i.error() != null) {
                            throw i.error();
                        }
                        print(i.message());
                        if (io.out.checkError()) {
                            return ExitCodes.OK;
                        }
                    }
                } finally {
                    io.removeOnCancel(cancel);
                }
            }
            return io.cancelled() ? ExitCodes.INTERRUPTED : ExitCodes.OK;
        }

        private void print(Api.Message m) {
            String time = Instant.ofEpochSecond(0, m.getTimestamp()).toString();
            String op;
            String detail;
            long id;
            try {
                Api.ActivityStreamEvent e = Api.ActivityStreamEvent.parseFrom(m.getValue());
                id = e.getId();
                op = e.getOp().name();
                detail = TextFormat.printer().emittingSingleLine(true).printToString(e.toBuilder().clearId().clearOp().build())
                        .trim();
            } catch (InvalidProtocolBufferException ex) {
                id = -1;
                op = "UNDECODABLE";
                detail = ex.getMessage();
            }
            if (output.structured()) { // one JSON line or YAML document per event
                ObjectNode o = Output.object().put("offset", m.getOffset()).put("time", time).put("id", id)
                        .put("op", op).put("detail", detail);
                io().out.print(output.item(o));
            } else {
                io().out.printf("%d  %s  %-20s %s%n", m.getOffset(), time, op, detail);
            }
            io().out.flush();
        }
    }
}
