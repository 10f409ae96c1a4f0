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
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Fast path: scripts call this to probe the install; building the command tree costs
            // more than everything else together.
            System.out.println(BuildInfo.load().line());
            System.exit(ExitCodes.OK);
        }
        Io io = Io.system();
        int code = run(io, args);
        io.out.flush();
        System.exit(code);
    }

    /** Runs one command line with the process's streams and returns its exit code. */
    public static int run(String... args) {
        return run(Io.system(), args);
    }

    /**
     * Runs one command line with {@code io} and returns its exit code; used by tests and the shell.
     * {@code __complete} and {@code context prompt} skip building the command tree ({@link FastStart}).
     */
    public static int run(Io io, String... args) {
        Integer fast = FastStart.run(io, args);
        return fast != null ? fast : runTree(io, args);
    }

    /** Runs one command line through the full command tree, never the fast path. */
    static int runTree(Io io, String... args) {
        return newCommandLine(io).execute(args);
    }

    /** The full command tree with the process's streams. */
    public static CommandLine newCommandLine() {
        return newCommandLine(Io.system());
    }

    /** The full command tree, configured as every entry point (main, tests, shell) uses it. */
    public static CommandLine newCommandLine(Io io) {
        CommandLine cl = new CommandLine(new LbCommand(io));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setAbbreviatedOptionsAllowed(false);
        cl.setAbbreviatedSubcommandsAllowed(false);
        // `--context ctx`, `--group list`: a value that happens to be a command name is a value.
        cl.setAllowSubcommandsAsOptionParameters(true);
        cl.setExecutionExceptionHandler(new Errors());
        cl.setDefaultValueProvider(new EnvDefaults(io)); // LB_FORMAT
        cl.setOut(io.outWriter());
        cl.setErr(io.errWriter());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(io.color(io.outTty)
                ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        withExitCodeHelp(cl);
        // --format help answers before the command runs (so before anything connects), for every
        // command with --format; --help still wins.
        cl.setExecutionStrategy(parsed -> {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            CommandLine.ParseResult leaf = parsed;
            while (leaf.hasSubcommand()) {
                leaf = leaf.subcommand();
            }
            if (FormatHelp.requested(leaf.commandSpec())) {
                return FormatHelp.print(leaf.commandSpec(), leaf.commandSpec().commandLine().getOut());
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        CommandLine.IParameterExceptionHandler usageError = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler((ex, args) -> {
            // --format help answers without the arguments the command needs to run.
            CommandLine at = ex.getCommandLine();
            if (ex instanceof CommandLine.MissingParameterException && FormatHelp.requested(at.getCommandSpec())
                    && !FormatHelp.schemas(at.getCommandSpec()).isEmpty()) {
                return FormatHelp.print(at.getCommandSpec(), at.getOut());
            }
            return usageError.handleParseException(ex, args);
        });
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
