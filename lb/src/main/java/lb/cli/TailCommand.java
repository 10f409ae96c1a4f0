package lb.cli;

import io.liftbridge.proto.Api;
import java.time.Duration;
import java.util.List;
import lb.cli.format.MessageFormatter;
import lb.cli.format.MessageView;
import lb.cli.group.GroupTail;
import lb.cli.position.Position;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import lb.client.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lb tail}: follow a stream, from new messages by default, until Ctrl-C. */
@Command(name = "tail", aliases = {"sub", "consume"}, mixinStandardHelpOptions = true,
        description = {"Print messages of a stream as they arrive (ro). Starts at 'end' (new messages only) "
            + "and follows until Ctrl-C, --count or --to."},
        footerHeading = "%nPositions:%n",
        footer = {"  POS:   earliest|start|beginning, end|new (new only), last (newest existing), N, -N (N before",
            "         the end), +N (N after the start), @TIME (epoch ms or s, YYYY-MM-DD, RFC 3339, @-2h)",
            "  RANGE: POS, POS:POS, :POS, POS:  (TO: end, N, @TIME, or a duration after a time start)",
            "  e.g.   lb tail orders -n 10        lb tail orders --from @-5m      lb tail orders -o 100:200",
            "",
            "Format tokens (--format with %%): %%s stream, %%p partition, %%o offset, %%k key, %%K key length,",
            "  %%v value, %%V value length, %%d timestamp, %%h{%%k=%%v;} headers, %%H header count, %%S subject,",
            "  %%c correlation id, %%n message number; escapes \\n \\t \\xNN; modifiers {hex} {base64} {json},",
            "  %%d{ms} %%d{iso} %%d{strftime:%%F %%T}.",
            "  From kcat: %%t -> %%s, %%s -> %%v, %%S -> %%V, %%T -> %%d{ms}. All of it: lb help formats."})
final class TailCommand extends ReadCommand {

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Read as a member of consumer group GROUP: only the partitions the coordinator assigns, "
                    + "resuming from the group's checkpoints and checkpointing as it goes. The start position "
                    + "(earliest or end) applies to partitions without a checkpoint.")
    String group;

    @Option(names = "--consumer-id", paramLabel = "ID",
            description = "Member id with --group (default lb-<host>-<pid>); reuse one to resume as that member.")
    String consumerId;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
            description = "With --group: how often positions are checkpointed (default 5s; 0 = only on exit).")
    Duration checkpointInterval;

    @Override
    int execute() throws Exception {
        if (group == null) {
            if (consumerId != null || checkpointInterval != null) {
                throw new UsageException("--consumer-id and --checkpoint-interval need --group");
            }
            return super.execute();
        }
        if (partitions != null || offset != null || to != null || last != null) {
            throw new UsageException("with --group the coordinator assigns partitions: -p, -o, --to and -n do not apply");
        }
        Range range = range();
        MessageFormatter fmt = messageFormat.formatter(io(), root());
        Io io = io();
        long n = 0;
        Consumer member;
        try {
            member = GroupTail.join(client(), group, consumerId, List.of(stream), range.from(), checkpointInterval);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        status("joined group %s as %s (epoch %d)", group, member.consumerId(), member.epoch());
        try (member; AutoCloseable sig = Signals.install(io)) {
            while (!io.cancelled()) {
                Api.Message m = member.poll(Duration.ofMillis(200));
                if (m == null) {
                    io.out.flush();
                    continue;
                }
                n++;
                fmt.write(MessageView.of(m), n, io.out);
                if (io.out.checkError()) {
                    return ExitCodes.OK; // broken pipe
                }
                if (count != null && n >= count) {
                    break;
                }
            }
            io.out.flush();
        }
        // close() checkpointed what was printed and left the group.
        if (io.cancelled()) {
            status("interrupted after %d message%s; positions checkpointed", n, n == 1 ? "" : "s");
            return ExitCodes.INTERRUPTED;
        }
        return ExitCodes.OK;
    }

    @Override
    Range defaultRange() {
        return new Range(new Position.End(), new Stop.Never());
    }

    @Override
    boolean progressWanted() {
        return false;
    }

    @Override
    String verb() {
        return "tailed";
    }

}
