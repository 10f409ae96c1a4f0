package lb.cli;

import lb.cli.position.Position;
import lb.cli.position.Range;
import lb.cli.position.Stop;
import picocli.CommandLine.Command;

/** {@code lb replay}: read a bounded range (earliest to the end pinned at start by default) and exit. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Print a range of a stream and exit at its end (ro). Default range earliest:end, "
            + "where end is the newest offset when the replay starts. Shows a progress bar when stdout is "
            + "not a terminal and stderr is."},
        footerHeading = "%nPositions:%n",
        footer = {"  POS:   earliest|start|beginning, end|new (new only), last (newest existing), N, -N (N before",
            "         the end), +N (N after the start), @TIME (epoch ms or s, YYYY-MM-DD, RFC 3339, @-2h)",
            "  RANGE: POS, POS:POS, :POS, POS:  (TO: end, N, @TIME, or a duration after a time start)",
            "  e.g.   lb replay orders -o 100:200   lb replay orders -o @2025-03-01:1h --format jsonl > out.jsonl",
            "",
            "Format tokens (--format with %%): %%s stream, %%p partition, %%o offset, %%k key, %%K key length,",
            "  %%v value, %%V value length, %%d timestamp, %%h{%%k=%%v;} headers, %%H header count, %%S subject,",
            "  %%c correlation id, %%n message number; escapes \\n \\t \\xNN; modifiers {hex} {base64} {json},",
            "  %%d{ms} %%d{iso} %%d{strftime:%%F %%T}.",
            "  From kcat: %%t -> %%s, %%s -> %%v, %%S -> %%V, %%T -> %%d{ms}. All of it: lb help formats."})
final class ReplayCommand extends ReadCommand {

    @Override
    Range defaultRange() {
        return new Range(new Position.Earliest(), new Stop.Latest());
    }


    @Override
    boolean progressWanted() {
        return !io().outTty;
    }

    @Override
    String verb() {
        return "replayed";
    }
}
