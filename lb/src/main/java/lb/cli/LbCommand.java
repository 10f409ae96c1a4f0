package lb.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root of the command tree: {@code lb}. Running it without a subcommand prints its help. */
@Command(
        name = "lb",
        mixinStandardHelpOptions = true,
        versionProvider = LbCommand.Version.class,
        description = "Liftbridge in Java: a durable, replicated, partitioned message log for NATS.",
        subcommands = {BrokerCommand.class, lb.cli.bench.BenchCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class LbCommand implements Runnable {

    @Spec
    CommandSpec spec;

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
