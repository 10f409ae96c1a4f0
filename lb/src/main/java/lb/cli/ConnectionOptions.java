package lb.cli;

import java.time.Duration;
import lb.client.LiftbridgeClient;
import lb.cli.position.PositionParser;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;

/**
 * How commands reach the brokers (CLI.md "Global options"): seeds and the call deadline. A
 * picocli mixin, inherited by subcommands; {@link #connect()} opens a client only when a command
 * needs one, so quick commands stay fast.
 */
public final class ConnectionOptions {

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[,...]", split = ",",
            scope = ScopeType.INHERIT, defaultValue = "${env:LB_SERVERS:-127.0.0.1:9292}",
            description = "Brokers to contact (env LB_SERVERS; default ${DEFAULT-VALUE}).")
    String[] servers;

    @Option(names = "--timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT,
            defaultValue = "${env:LB_TIMEOUT:-5s}", converter = DurationConverter.class,
            description = "Deadline of each broker call, e.g. 500ms, 5s, 1m (env LB_TIMEOUT; default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** A client for the configured brokers; the caller closes it. */
    public LiftbridgeClient connect() {
        return LiftbridgeClient.builder().seeds(servers).timeout(timeout).ackTimeout(timeout).build();
    }

    public String[] servers() {
        return servers;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 2h}; a usage error otherwise. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = PositionParser.tryDuration(value.trim());
            if (d == null) {
                throw new TypeConversionException("'" + value
                        + "' is not a duration: use a number and a unit (ms, s, m, h, d), e.g. 500ms, 5s, 1m30s");
            }
            return d;
        }
    }
}
