package lb.cli;

import lb.cli.position.Position;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import picocli.CommandLine.Command;

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
            "  %%d{ms} %%d{iso} %%d{strftime:%%F %%T}. From kcat: %%t -> %%s, %%s -> %%v, %%S -> %%V, %%T -> %%d{ms}."})
final class TailCommand extends ReadCommand {

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
