package lb.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code lb completion bash|zsh}: the completion script generated from the command tree (picocli
 * AutoComplete). The committed copies in completions/ are these outputs (a test checks).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.",
            "bash: source <(lb completion bash)   or copy to /etc/bash_completion.d/lb",
            "zsh:  source <(lb completion zsh)   (runs through bashcompinit, which it enables)"})
final class CompletionCommand extends BaseCommand {

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    int execute() {
        String script = switch (shell) {
            case "bash" -> bash();
            case "zsh" -> zsh();
            default -> throw new UsageException("unsupported shell '" + shell + "': expected bash or zsh");
        };
        out().print(script);
        out().flush();
        return ExitCodes.OK;
    }

    static String bash() {
        return AutoComplete.bash("lb", Main.newCommandLine(new Io(java.io.InputStream.nullInputStream(),
                System.out, System.err, false, false, false, java.util.Map.of())));
    }

    /** zsh runs the bash script through bashcompinit (the script enables it itself). */
    static String zsh() {
        return "#compdef lb\n" + bash();
    }

}
