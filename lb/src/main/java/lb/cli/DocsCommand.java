package lb.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lb docs man --dir DIR}: writes lb.1 and one page per subcommand (troff), rendered by
 * {@link ManPages} from the command tree. The committed man/ directory is this output.
 */
@Command(name = "docs", mixinStandardHelpOptions = true, description = "Generate documentation.",
        subcommands = DocsCommand.Man.class)
final class DocsCommand {

    /** {@code lb docs man}. */
    @Command(name = "man", mixinStandardHelpOptions = true,
            description = "Write man pages (troff): lb.1 and lb-COMMAND.1 for every subcommand. View with man -l DIR/lb.1.")
    static final class Man extends BaseCommand {
        @Option(names = "--dir", paramLabel = "DIR", description = "Output directory (default: man).")
        Path dir = Path.of("man");

        @Override
        int execute() throws IOException {
            Map<String, String> pages = ManPages.render(Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(),
                    System.out, System.err, false, false, false, Map.of())));
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : new TreeMap<>(pages).entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            status("wrote %d man pages to %s", pages.size(), dir);
            return ExitCodes.OK;
        }
    }
}
