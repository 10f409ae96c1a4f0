package lb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The root of the command tree: {@code lb}. Running it without a subcommand prints its help.
 * Holds the global options (inherited by every subcommand) and the {@link Io} of this run;
 * one instance per command line, so the shell builds a fresh tree for every line.
 */
@Command(
        name = "lb",
        mixinStandardHelpOptions = true,
        versionProvider = LbCommand.Version.class,
        description = "Liftbridge in Java: a durable, replicated, partitioned message log for NATS.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  lb broker start --dev                       # a local broker; selects context 'local'",
            "  lb stream create orders -p 3",
            "  lb publish orders --file order.json",
            "  lb tail orders --from -10                   # last 10 per partition, then follow",
            "  lb replay orders -o @-1h:end --format jsonl > orders.jsonl",
            "  lb stream describe orders --json"},
        subcommands = {BrokerCommand.class, ClusterCommand.class, StreamCommand.class,
            PublishCommand.class, TailCommand.class, ReplayCommand.class, GetCommand.class,
            CursorCommand.class, lb.cli.group.GroupCommand.class, ActivityCommand.class, ContextCommand.class, lb.cli.bench.BenchCommand.class, ShellCommand.class,
            CompletionCommand.class, CompleteCommand.class, DocsCommand.class, VersionCommand.class,
            HelpCommand.class})
public final class LbCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only data and errors (no summaries).")
    boolean quiet;

    @Option(names = "--color", paramLabel = "WHEN", scope = ScopeType.INHERIT,
            description = "Colour on a terminal: auto (default; off with NO_COLOR), always, never.")
    String color = "auto";

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Same as --color never.")
    boolean noColor;

    private final Io io;

    LbCommand() {
        this(Io.system());
    }

    LbCommand(Io io) {
        this.io = io;
    }

    /**
     * A client for the brokers the global options resolve to (flag > env > context > default),
     * for commands outside this package; the caller closes it.
     */
    public lb.client.LiftbridgeClient connect() {
        return connection.connect(io);
    }

    /**
     * Like {@link #connect()}, with at most {@code maxInFlight} async publishes outstanding
     * (0: the client's default); the same seeds, deadline, TLS and {@code -vv} tracing.
     */
    public lb.client.LiftbridgeClient connect(int maxInFlight) {
        return connection.connect(io, maxInFlight);
    }

    /** The brokers and deadline the global options resolve to, for commands outside this package. */
    public ConnectionOptions.Resolved connection() {
        return connection.resolve(io);
    }

    public Io io() {
        return io;
    }

    /** Whether to colour output going to a stream that is (or is not) a terminal. */
    boolean color(boolean tty) {
        if (noColor || "never".equals(color)) {
            return false;
        }
        if ("always".equals(color)) {
            return true;
        }
        return io.color(tty);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Supplies {@code lb --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.load().line()};
        }
    }
}
