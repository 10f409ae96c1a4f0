package lb.cli;

import picocli.CommandLine.Command;

/** {@code lb broker}: run and inspect a broker node. */
@Command(name = "broker", description = "Run a broker node.",
        mixinStandardHelpOptions = true,
        subcommands = {BrokerStartCommand.class})
final class BrokerCommand {
}
