package lb.cli;

import picocli.CommandLine;

/**
 * Entry point of the lb jar. Kept free of heavy initialisation (no gRPC, no NATS) so that
 * quick commands and shell completion start fast; commands create what they need.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line and returns its exit code; used by tests without exiting the JVM. */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    /** The full command tree, configured as every entry point (main, tests, shell) uses it. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new LbCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setAbbreviatedSubcommandsAllowed(false);
        cl.setExecutionExceptionHandler(new Errors());
        withExitCodeHelp(cl);
        return cl;
    }

    private static void withExitCodeHelp(CommandLine cl) {
        cl.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCodes.HELP);
        for (CommandLine sub : cl.getSubcommands().values()) {
            withExitCodeHelp(sub);
        }
    }
}
