package lb.cli.group;

import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * {@code lb group list | describe GROUP | seek GROUP --to POS}: consumer groups, their members,
 * checkpoints and lag (see {@link GroupInspector} for where each fact comes from). Output goes
 * through {@link lb.cli.Output} like every other command's: text, json, yaml or help.
 */
@Command(name = "group", description = "Inspect consumer groups and move their checkpoints.",
        mixinStandardHelpOptions = true,
        subcommands = {GroupListCommand.class, GroupDescribeCommand.class, GroupSeekCommand.class})
public final class GroupCommand {

    /** Reading {@code __cursors}/{@code __activity} may take a while on a busy cluster. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
}
