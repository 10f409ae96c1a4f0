package lb.cli;

import picocli.CommandLine.Command;

/** {@code lb broker}: run a broker node and inspect its configuration. */
@Command(name = "broker", description = "Run a broker node; print or validate its configuration.",
        mixinStandardHelpOptions = true,
        subcommands = {BrokerStartCommand.class, BrokerConfigCommand.class})
final class BrokerCommand {
}
