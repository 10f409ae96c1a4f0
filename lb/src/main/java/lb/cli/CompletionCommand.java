package lb.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lb completion bash|zsh|fish}: the completion script generated from the command tree (picocli
 * AutoComplete for bash and zsh, {@link FishCompletion} for fish). The committed copies in
 * completions/ are these outputs (a test checks).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.",
            "bash: source <(lb completion bash)   or copy to /etc/bash_completion.d/lb",
            "zsh:  source <(lb completion zsh)   (through bashcompinit, which it enables)",
            "fish: lb completion fish > ~/.config/fish/completions/lb.fish"})
final class CompletionCommand extends BaseCommand {

    @Parameters(paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash, zsh or fish.")
    String shell;

    @Override
    int execute() {
        String script = switch (shell) {
            case "bash" -> bash();
            case "zsh" -> zsh();
            case "fish" -> fish();
            default -> throw new UsageException("unsupported shell '" + shell + "': expected bash, zsh or fish");
        };
        out().print(script);
        out().flush();
        return ExitCodes.OK;
    }

    /** picocli's script, then our live names (lb __complete) for streams, partitions, contexts, groups. */
    static String bash() {
        picocli.CommandLine tree = tree();
        return AutoComplete.bash("lb", tree) + BashLiveCompletion.script("lb", new CompletionTree(tree));
    }

    /** Our own generator (picocli has none for fish in a release). */
    static String fish() {
        return FishCompletion.script("lb", tree(), (spec, arg) -> {
            String kind = CompletionTree.liveKind(spec, arg);
            return kind == null ? null : "__lb_live " + kind;
        });
    }

    private static picocli.CommandLine tree() {
        return Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(),
                System.out, System.err, false, false, false, java.util.Map.of()));
    }

    /** The shells {@code lb completion} writes for. */
    static final class Shells extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Shells() {
            super(java.util.List.of("bash", "zsh", "fish"));
        }
    }

    /** zsh runs the bash script through bashcompinit (the script enables it itself). */
    static String zsh() {
        return "#compdef lb\n" + bash();
    }

}
