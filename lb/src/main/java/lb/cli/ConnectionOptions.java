package lb.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lb.client.LiftbridgeClient;
import lb.cli.position.PositionParser;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.TypeConversionException;

/**
 * How commands reach the brokers (CLI.md "Global options"): seeds, call deadline, TLS and the
 * context they may come from. A picocli mixin on the root, inherited by every subcommand.
 *
 * <p>One precedence rule for every setting: flag &gt; environment &gt; selected context &gt;
 * built-in default; {@link #resolve(Io)} says which one won. {@link #connect(Io)} opens a
 * client only when a command needs one, so quick commands stay fast.
 */
public final class ConnectionOptions {

    static final String DEFAULT_SERVERS = "127.0.0.1:9292";
    static final String DEFAULT_TIMEOUT = "5s";

    @Option(names = {"-s", "--servers"}, paramLabel = "HOST:PORT[,...]", scope = ScopeType.INHERIT,
            description = "Brokers to contact (env LB_SERVERS; default: context, then " + DEFAULT_SERVERS + ").")
    String servers;

    @Option(names = "--timeout", paramLabel = "DURATION", scope = ScopeType.INHERIT,
            description = "Deadline of each broker call, e.g. 500ms, 5s, 1m (env LB_TIMEOUT; default: context, then "
                    + DEFAULT_TIMEOUT + ").")
    String timeout;

    @Option(names = "--context", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Use this context instead of the selected one (env LB_CONTEXT).")
    String context;

    @Option(names = "--no-context", scope = ScopeType.INHERIT,
            description = "Ignore contexts: flags, environment and defaults only.")
    boolean noContext;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "More detail (repeatable): -v headers in pretty output and settings of long commands; "
                    + "-vv also each gRPC call on stderr (method, broker, status, duration); -vvv also each message.")
    boolean[] verbose = new boolean[0];

    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "Connect over TLS, trusting the JDK's CA certificates unless --tls-ca is given "
                    + "(env LB_TLS=true; context key tls). Implied by --tls-ca, --tls-cert and --tls-key.")
    Boolean tls;

    @Option(names = "--tls-ca", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "PEM CA certificates to trust for the brokers' certificates (env LB_TLS_CA; context key tls-ca).")
    String tlsCa;

    @Option(names = "--tls-cert", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "PEM client certificate for mutual TLS, with --tls-key (env LB_TLS_CERT; context key tls-cert).")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "PEM private key of --tls-cert (env LB_TLS_KEY; context key tls-key).")
    String tlsKey;

    /** One effective setting and where it came from (flag, env NAME, context NAME, default). */
    public record Setting(String name, String value, String source) {
    }

    /**
     * The effective settings: servers, timeout, context and TLS (a TLS file's value is "" when
     * unset; {@code tls} is "true" or "false").
     */
    public record Resolved(Setting servers, Setting timeout, Setting context, Setting tls, Setting tlsCa,
                           Setting tlsCert, Setting tlsKey) {
        public List<Setting> all() {
            return List.of(context, servers, timeout, tls, tlsCa, tlsCert, tlsKey);
        }

        /** Whether to connect over TLS: asked for, or any TLS file given. */
        public boolean tlsEnabled() {
            return "true".equalsIgnoreCase(tls.value()) || !tlsCa.value().isEmpty() || !tlsCert.value().isEmpty()
                    || !tlsKey.value().isEmpty();
        }

        public Duration timeoutDuration() {
            return new DurationConverter().convert(timeout.value());
        }

        public String[] seeds() {
            return servers.value().split(",");
        }
    }

    /**
     * Resolves the settings.
     *
     * @throws ContextNotFoundException when a named context does not exist
     */
    public Resolved resolve(Io io) {
        Contexts store = Contexts.of(io);
        Setting ctx;
        if (noContext) {
            ctx = new Setting("context", "", "--no-context");
        } else if (context != null) {
            ctx = new Setting("context", context, "flag --context");
        } else if (io.env("LB_CONTEXT") != null) {
            ctx = new Setting("context", io.env("LB_CONTEXT"), "env LB_CONTEXT");
        } else {
            String cur = store.current();
            ctx = cur == null ? new Setting("context", "", "none selected")
                    : new Setting("context", cur, "file " + store.dir().resolve("current"));
        }
        Map<String, String> values = Map.of();
        if (!ctx.value().isEmpty()) {
            values = store.read(ctx.value());
            if (values == null) {
                throw new ContextNotFoundException(ctx.value());
            }
        }
        return new Resolved(
                pick("servers", servers, io.env("LB_SERVERS"), "LB_SERVERS", values, ctx.value(), DEFAULT_SERVERS),
                pick("timeout", timeout, io.env("LB_TIMEOUT"), "LB_TIMEOUT", values, ctx.value(), DEFAULT_TIMEOUT),
                ctx,
                pick("tls", tls == null ? null : tls.toString(), io.env("LB_TLS"), "LB_TLS", values, ctx.value(), "false"),
                pick("tls-ca", tlsCa, io.env("LB_TLS_CA"), "LB_TLS_CA", values, ctx.value(), ""),
                pick("tls-cert", tlsCert, io.env("LB_TLS_CERT"), "LB_TLS_CERT", values, ctx.value(), ""),
                pick("tls-key", tlsKey, io.env("LB_TLS_KEY"), "LB_TLS_KEY", values, ctx.value(), ""));
    }

    private static Setting pick(String name, String flag, String env, String envName,
                                Map<String, String> ctx, String ctxName, String dflt) {
        if (flag != null) {
            return new Setting(name, flag, "flag");
        }
        if (env != null) {
            return new Setting(name, env, "env " + envName);
        }
        if (ctx.get(name) != null) {
            return new Setting(name, ctx.get(name), "context " + ctxName);
        }
        return new Setting(name, dflt, "default");
    }

    /** A client for the resolved brokers; the caller closes it. */
    public LiftbridgeClient connect(Io io) {
        return connect(io, 0);
    }

    /** A client with at most {@code maxInFlight} async publishes outstanding (0: the default). */
    public LiftbridgeClient connect(Io io, int maxInFlight) {
        Resolved r = resolve(io);
        return client(r, r.timeoutDuration(), maxInFlight,
                verbosity() >= 2 ? new CallTrace(io.err, verbosity() >= 3) : null);
    }

    /**
     * A client for resolved settings: their seeds and TLS, deadline {@code timeout}, at most
     * {@code maxInFlight} async publishes (0: the default), and {@code trace} on every call (or
     * null). The one place clients of the CLI are built; the caller closes it.
     */
    static LiftbridgeClient client(Resolved r, Duration timeout, int maxInFlight, io.grpc.ClientInterceptor trace) {
        List<String> seeds = new ArrayList<>();
        for (String s : r.seeds()) {
            if (!s.isBlank()) {
                seeds.add(s.strip());
            }
        }
        LiftbridgeClient.Builder b = LiftbridgeClient.builder().seeds(seeds.toArray(String[]::new))
                .timeout(timeout).ackTimeout(timeout);
        if (maxInFlight > 0) {
            b.maxInFlight(maxInFlight);
        }
        if (r.tlsEnabled()) {
            tls(b, r);
        }
        if (trace != null) {
            b.interceptor(trace);
        }
        return b.build();
    }

    /**
     * Sets up TLS from the resolved files; a missing or unreadable file, or a certificate
     * without its key, is a usage error naming the setting and where it came from.
     */
    private static void tls(LiftbridgeClient.Builder b, Resolved r) {
        if (r.tlsCert().value().isEmpty() != r.tlsKey().value().isEmpty()) {
            Setting given = r.tlsCert().value().isEmpty() ? r.tlsKey() : r.tlsCert();
            throw new UsageException("--tls-cert and --tls-key go together: " + given.name() + " is set ("
                    + given.source() + "), the other is not");
        }
        for (Setting s : List.of(r.tlsCa(), r.tlsCert(), r.tlsKey())) {
            if (!s.value().isEmpty() && !java.nio.file.Files.isReadable(java.nio.file.Path.of(s.value()))) {
                throw new UsageException(s.name() + " " + s.value() + " (" + s.source() + "): no such readable file");
            }
        }
        try {
            b.tls(path(r.tlsCa()), path(r.tlsCert()), path(r.tlsKey()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new UsageException("cannot set up TLS from " + r.tlsCa().value() + " " + r.tlsCert().value() + " "
                    + r.tlsKey().value() + ": " + e.getMessage());
        }
    }

    private static java.nio.file.Path path(Setting s) {
        return s.value().isEmpty() ? null : java.nio.file.Path.of(s.value());
    }

    /** How many times -v was given: 0 normal, 1 details, 2 gRPC calls, 3 gRPC messages. */
    public int verbosity() {
        return verbose.length;
    }

    /** A named context that does not exist (exit code 3). */
    public static final class ContextNotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ContextNotFoundException(String name) {
            super("no such context: " + name + " (see 'lb context list')");
        }
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
