package lb.broker.nats;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link EmbeddedNatsServer}. Immutable; build with {@link #builder()}, which
 * validates every value and names the setting in its error.
 *
 * <p>Defaults match nats-server's: host 127.0.0.1 (nats-server binds all interfaces; the embedded
 * server stays on loopback unless told otherwise), port 4222, max_payload 1 MiB, max control
 * line 4096 bytes, ping every 2 minutes with 2 unanswered pings allowed, 64 MiB of pending
 * outbound bytes per connection before it is cut as a slow consumer, 2 s to authenticate.
 */
public final class NatsServerOptions {
    /** Default client port, as nats-server's. */
    public static final int DEFAULT_PORT = 4222;
    /** Default bind address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Default max_payload in bytes (1 MiB). */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** Default longest control line in bytes (nats-server's MAX_CONTROL_LINE_SIZE). */
    public static final int DEFAULT_MAX_CONTROL_LINE_BYTES = 4096;
    /** Default interval between server PINGs. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMinutes(2);
    /** Default number of unanswered PINGs after which a connection is stale. */
    public static final int DEFAULT_MAX_PINGS_OUT = 2;
    /** Default slow-consumer limit: pending outbound bytes per connection (64 MiB). */
    public static final long DEFAULT_MAX_PENDING_BYTES = 64L * 1024 * 1024;
    /** Default time a client has to send CONNECT when auth is required. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(2);

    private final String host;
    private final int port;
    private final int maxPayloadBytes;
    private final int maxControlLineBytes;
    private final String user;
    private final String password;
    private final String token;
    private final Duration pingInterval;
    private final int maxPingsOut;
    private final long maxPendingBytes;
    private final String serverName;
    private final int ioThreads;
    private final Duration authTimeout;

    private NatsServerOptions(Builder b) {
        host = b.host;
        port = b.port;
        maxPayloadBytes = b.maxPayloadBytes;
        maxControlLineBytes = b.maxControlLineBytes;
        user = b.user;
        password = b.password;
        token = b.token;
        pingInterval = b.pingInterval;
        maxPingsOut = b.maxPingsOut;
        maxPendingBytes = b.maxPendingBytes;
        serverName = b.serverName;
        ioThreads = b.ioThreads;
        authTimeout = b.authTimeout;
    }

    /** All defaults: 127.0.0.1:4222, no auth. */
    public static NatsServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder preset from a nats-server configuration file (Liftbridge's
     * {@code nats.embedded.config}); settings made on it afterwards win over the file. See
     * {@link NatsConfigFile} for the keys honoured; any other key is refused.
     *
     * @throws IllegalArgumentException naming the file, line or key and what is wrong
     * @throws java.io.IOException if the file cannot be read
     */
    public static Builder fromNatsConfig(java.nio.file.Path file) throws java.io.IOException {
        return NatsConfigFile.read(file, new Builder());
    }

    public String host() { return host; }
    /** The port to bind; 0 picks a free one ({@link EmbeddedNatsServer#port()} tells which). */
    public int port() { return port; }
    public int maxPayloadBytes() { return maxPayloadBytes; }
    public int maxControlLineBytes() { return maxControlLineBytes; }
    /** User for user/password auth, or null. */
    public String user() { return user; }
    public String password() { return password; }
    /** Token for token auth, or null. */
    public String token() { return token; }
    public boolean authRequired() { return user != null || token != null; }
    public Duration pingInterval() { return pingInterval; }
    public int maxPingsOut() { return maxPingsOut; }
    public long maxPendingBytes() { return maxPendingBytes; }
    /** Server name in INFO, or null to use the server id. */
    public String serverName() { return serverName; }
    /** Number of I/O threads (selectors); each owns a share of the connections. Default 1, or 2 with 4+ cores. */
    public int ioThreads() { return ioThreads; }
    public Duration authTimeout() { return authTimeout; }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.maxPayloadBytes = maxPayloadBytes;
        b.maxControlLineBytes = maxControlLineBytes;
        b.user = user;
        b.password = password;
        b.token = token;
        b.pingInterval = pingInterval;
        b.maxPingsOut = maxPingsOut;
        b.maxPendingBytes = maxPendingBytes;
        b.serverName = serverName;
        b.ioThreads = ioThreads;
        b.authTimeout = authTimeout;
        return b;
    }

    /** Collects settings; {@link #build()} validates them all. Not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private int maxControlLineBytes = DEFAULT_MAX_CONTROL_LINE_BYTES;
        private String user;
        private String password;
        private String token;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private int maxPingsOut = DEFAULT_MAX_PINGS_OUT;
        private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
        private String serverName;
        // Measured on 2 cores (scripts/nats-bench, jnats clients on the same machine): one I/O
        // thread gave 1.08x nats-server's 1->1 throughput where two gave 0.61-0.79x (the
        // cross-thread OP_WRITE hand-off costs more than a second selector brings), with
        // fan-out 1.4-1.7x either way. Two only where there are cores to spare; not measured there.
        private int ioThreads = Runtime.getRuntime().availableProcessors() >= 4 ? 2 : 1;
        private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;

        private Builder() {
        }

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder maxPayloadBytes(int bytes) { this.maxPayloadBytes = bytes; return this; }
        public Builder maxControlLineBytes(int bytes) { this.maxControlLineBytes = bytes; return this; }
        /** Requires CONNECT to carry this user and password. */
        public Builder userPassword(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }
        /** Requires CONNECT to carry this auth_token. */
        public Builder token(String token) { this.token = token; return this; }
        public Builder pingInterval(Duration interval) { this.pingInterval = interval; return this; }
        public Builder maxPingsOut(int n) { this.maxPingsOut = n; return this; }
        public Builder maxPendingBytes(long bytes) { this.maxPendingBytes = bytes; return this; }
        public Builder serverName(String name) { this.serverName = name; return this; }
        public Builder ioThreads(int n) { this.ioThreads = n; return this; }
        public Builder authTimeout(Duration timeout) { this.authTimeout = timeout; return this; }

        /** Validates and builds; IllegalArgumentException names the bad setting and the rule. */
        public NatsServerOptions build() {
            Objects.requireNonNull(host, "nats host must not be null");
            require(!host.isBlank(), "nats host must not be blank");
            require(port >= 0 && port <= 65535, "nats port " + port + " is out of range (0-65535, 0 = any free port)");
            require(maxPayloadBytes > 0 && maxPayloadBytes <= 64 * 1024 * 1024,
                    "nats max_payload " + maxPayloadBytes + " must be between 1 and 67108864 bytes");
            require(maxControlLineBytes >= 64, "nats max control line " + maxControlLineBytes + " must be at least 64 bytes");
            require(pingInterval != null && !pingInterval.isNegative() && !pingInterval.isZero(),
                    "nats ping interval " + pingInterval + " must be positive");
            require(maxPingsOut >= 1, "nats max pings out " + maxPingsOut + " must be at least 1");
            long minPending = (long) maxPayloadBytes + maxControlLineBytes + 64;
            require(maxPendingBytes >= minPending && maxPendingBytes <= Integer.MAX_VALUE - 1024,
                    "nats max pending " + maxPendingBytes + " bytes must be between max_payload + max control line + 64 ("
                            + minPending + ") and " + (Integer.MAX_VALUE - 1024));
            require(ioThreads >= 1 && ioThreads <= 64, "nats I/O threads " + ioThreads + " must be between 1 and 64");
            require(authTimeout != null && !authTimeout.isNegative() && !authTimeout.isZero(),
                    "nats auth timeout " + authTimeout + " must be positive");
            require(token == null || user == null, "nats auth: set a token or a user/password, not both");
            require((user == null) == (password == null), "nats auth: user and password go together");
            require(user == null || !user.isEmpty(), "nats auth: user must not be empty");
            require(token == null || !token.isEmpty(), "nats auth: token must not be empty");
            return new NatsServerOptions(this);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    @Override
    public String toString() {
        return "NatsServerOptions[" + host + ":" + port + ", max_payload=" + maxPayloadBytes
                + ", max_control_line=" + maxControlLineBytes + ", auth=" + (token != null ? "token" : user != null ? "user" : "none")
                + ", ping=" + pingInterval + "x" + maxPingsOut + ", max_pending=" + maxPendingBytes
                + ", io_threads=" + ioThreads + "]";
    }
}
