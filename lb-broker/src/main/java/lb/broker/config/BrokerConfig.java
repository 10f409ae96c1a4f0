package lb.broker.config;

import lb.broker.log.SyncPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The broker's validated configuration: every setting of {@link ConfigKeys} with its value
 * (default, file, environment or flag; see {@link ConfigLoader}), plus derived values (bind
 * and advertised addresses, data directory, stream defaults). Immutable and thread-safe.
 */
public final class BrokerConfig {
    /** Where the server binds when neither listen nor host is set. */
    public static final String DEFAULT_BIND_HOST = "0.0.0.0";

    private final Map<ConfigKey<?>, Object> values;
    private final Set<ConfigKey<?>> explicit;
    private final Map<String, String> env;
    private final String configFile;

    BrokerConfig(Map<ConfigKey<?>, Object> values, Set<ConfigKey<?>> explicit, Map<String, String> env,
                 String configFile) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.explicit = Set.copyOf(explicit);
        this.env = Map.copyOf(env);
        this.configFile = configFile;
    }

    /** The defaults only (no file, no flags), with the given environment for the data directory. */
    public static BrokerConfig defaults(Map<String, String> env) {
        return ConfigLoader.load((String) null, null, new ConfigOverrides(), env);
    }

    /** The value of {@code key}: what was configured, else its default; null when unset without default. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    /** True when {@code key} was given in the file, the environment or a flag. */
    public boolean isSet(ConfigKey<?> key) {
        return explicit.contains(key);
    }

    /** The config file's name, or null when none was used. */
    public String configFile() {
        return configFile;
    }

    /** Every setting that has a value, by name, in {@link ConfigKeys#ALL} order (for the start banner and debugging). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            Object v = values.get(k);
            if (k == ConfigKeys.NATS_PASSWORD && v != null) {
                v = "********";
            }
            if (v != null) {
                m.put(k.name(), v instanceof Duration d ? Durations.format(d) : v);
            }
        }
        m.put(ConfigKeys.DATA_DIR.name(), dataDir().toString());
        m.put(ConfigKeys.STREAMS_SEGMENT_MAX_AGE.name(), Durations.format(streamDefaults().segmentMaxAge()));
        return m;
    }

    /** The host the gRPC server binds: listen's host, else host, else 0.0.0.0. */
    public String bindHost() {
        String listen = get(ConfigKeys.LISTEN);
        if (listen != null) {
            return splitHostPort(listen)[0];
        }
        String host = get(ConfigKeys.HOST);
        return host != null ? host : DEFAULT_BIND_HOST;
    }

    /** The port the gRPC server binds: {@code port} when given (file, environment or flag), else listen's port, else 9292 (0 = any free port). */
    public int bindPort() {
        String listen = get(ConfigKeys.LISTEN);
        if (listen != null && !isSet(ConfigKeys.PORT)) {
            return Integer.parseInt(splitHostPort(listen)[1]);
        }
        return get(ConfigKeys.PORT);
    }

    /**
     * The port advertised to clients: {@code port} when given, else listen's port, else 9292.
     * 0 means "the port actually bound", which the server fills in after binding.
     */
    public int advertisedPort() {
        return bindPort();
    }

    /** The host advertised to clients: host, else listen's host (unless a wildcard), else localhost. */
    public String advertisedHost() {
        String host = get(ConfigKeys.HOST);
        if (host != null) {
            return host;
        }
        String listen = get(ConfigKeys.LISTEN);
        if (listen != null) {
            String h = splitHostPort(listen)[0];
            if (!h.isEmpty() && !h.equals("0.0.0.0") && !h.equals("::")) {
                return h;
            }
        }
        return "localhost";
    }

    /** The cluster namespace. */
    public String namespace() {
        return get(ConfigKeys.CLUSTERING_NAMESPACE);
    }

    /**
     * The data directory: {@code data.dir} if set; else {@code $XDG_DATA_HOME/lb/<namespace>}
     * when XDG_DATA_HOME is an absolute path; else {@code $HOME/.local/share/lb/<namespace>}
     * (HOME from the environment, else the user.home property). Upstream uses the OS temporary
     * directory, which does not survive reboots.
     */
    public Path dataDir() {
        String configured = get(ConfigKeys.DATA_DIR);
        if (configured != null) {
            return Path.of(configured);
        }
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "lb", namespace());
        }
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "share", "lb", namespace());
    }

    /** When partition logs are fsynced. */
    public SyncPolicy sync() {
        return get(ConfigKeys.SYNC);
    }

    /** The metadata log's snapshot threshold: clustering.raft.snapshot.threshold, 0 meaning 8192. */
    public int metadataSnapshotThreshold() {
        int t = get(ConfigKeys.CLUSTERING_RAFT_SNAPSHOT_THRESHOLD);
        return t == 0 ? 8192 : t;
    }

    /**
     * The broker's stream defaults (the {@code streams.*} settings and
     * {@code clustering.min.insync.replicas}) that a stream's overrides apply to
     * ({@link StreamSettings#effective}). segment.max.age defaults to retention.max.age and is
     * raised to 1 s when set between 0 and 1 s, as upstream. Unlike upstream,
     * streams.concurrency.control is applied (behavior.md §15.9).
     */
    public StreamSettings streamDefaults() {
        Duration retentionAge = get(ConfigKeys.STREAMS_RETENTION_MAX_AGE);
        Duration segmentAge = isSet(ConfigKeys.STREAMS_SEGMENT_MAX_AGE) ? get(ConfigKeys.STREAMS_SEGMENT_MAX_AGE) : retentionAge;
        if (!segmentAge.isZero() && segmentAge.compareTo(Duration.ofSeconds(1)) < 0) {
            segmentAge = Duration.ofSeconds(1);
        }
        Duration cleaner = get(ConfigKeys.STREAMS_CLEANER_INTERVAL);
        long segmentBytes = get(ConfigKeys.STREAMS_SEGMENT_MAX_BYTES);
        int goroutines = get(ConfigKeys.STREAMS_COMPACT_MAX_GOROUTINES);
        return new StreamSettings(
                get(ConfigKeys.STREAMS_RETENTION_MAX_BYTES),
                get(ConfigKeys.STREAMS_RETENTION_MAX_MESSAGES),
                retentionAge,
                cleaner.isZero() ? StreamSettings.ZERO_CLEANER_INTERVAL : cleaner,
                segmentBytes == 0 ? StreamSettings.ZERO_SEGMENT_MAX_BYTES : segmentBytes,
                segmentAge,
                get(ConfigKeys.STREAMS_COMPACT_ENABLED),
                goroutines == 0 ? StreamSettings.ZERO_COMPACT_MAX_GOROUTINES : goroutines,
                get(ConfigKeys.STREAMS_AUTO_PAUSE_TIME),
                get(ConfigKeys.STREAMS_AUTO_PAUSE_DISABLE_IF_SUBSCRIBERS),
                get(ConfigKeys.CLUSTERING_MIN_INSYNC_REPLICAS),
                get(ConfigKeys.STREAMS_CONCURRENCY_CONTROL),
                get(ConfigKeys.STREAMS_ENCRYPTION));
    }

    /** Checks between settings; each problem names the settings and values involved. */
    List<String> crossCheck() {
        List<String> problems = new ArrayList<>();
        String listen = get(ConfigKeys.LISTEN);
        if (listen != null) {
            String[] hp = splitHostPort(listen);
            if (hp == null) {
                problems.add("configuration setting \"listen\": \"" + listen + "\" is not host:port (e.g. 0.0.0.0:9292)");
            } else {
                try {
                    int p = Integer.parseInt(hp[1]);
                    if (p < 0 || p > 65535) {
                        problems.add("configuration setting \"listen\": \"" + listen + "\" has no valid port (0-65535)");
                    }
                } catch (NumberFormatException e) {
                    problems.add("configuration setting \"listen\": \"" + listen + "\" has no valid port (0-65535)");
                }
            }
        }
        pair(problems, ConfigKeys.TLS_KEY, ConfigKeys.TLS_CERT, "TLS needs both");
        pair(problems, ConfigKeys.NATS_TLS_CERT, ConfigKeys.NATS_TLS_KEY, "NATS TLS needs both");
        boolean tls = get(ConfigKeys.TLS_KEY) != null && get(ConfigKeys.TLS_CERT) != null;
        if (get(ConfigKeys.TLS_CLIENT_AUTH_ENABLED) && !tls) {
            problems.add("tls.client.auth.enabled is true but TLS is off: set tls.key and tls.cert");
        }
        if (get(ConfigKeys.TLS_CLIENT_AUTHZ_ENABLED)) {
            if (!tls) {
                problems.add("tls.client.authz.enabled is true but TLS is off: set tls.key and tls.cert");
            }
            if (get(ConfigKeys.TLS_CLIENT_AUTHZ_MODEL) == null || get(ConfigKeys.TLS_CLIENT_AUTHZ_POLICY) == null) {
                problems.add("tls.client.authz.enabled is true: set both tls.client.authz.model and tls.client.authz.policy");
            }
        }
        if (get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_SEED) && !get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS).isEmpty()) {
            problems.add("clustering.raft.bootstrap.seed is true and clustering.raft.bootstrap.peers is "
                    + get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS) + ": use one or the other");
        }
        if (get(ConfigKeys.NATS_EMBEDDED_CONFIG) != null && isSet(ConfigKeys.NATS_EMBEDDED) && !get(ConfigKeys.NATS_EMBEDDED)) {
            problems.add("nats.embedded is false but nats.embedded.config is \"" + get(ConfigKeys.NATS_EMBEDDED_CONFIG)
                    + "\": an embedded NATS config needs the embedded server");
        }
        if (get(ConfigKeys.STREAMS_ENCRYPTION)) {
            problems.add("configuration setting \"streams.encryption\": true is not supported yet (encryption at rest "
                    + "is not implemented); remove it or set false");
        }
        identifier(problems, ConfigKeys.CLUSTERING_NAMESPACE);
        identifier(problems, ConfigKeys.CLUSTERING_SERVER_ID);
        for (String peer : get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS)) {
            if (!isIdentifier(peer)) {
                problems.add("configuration setting \"clustering.raft.bootstrap.peers\": \"" + peer
                        + "\" is not a server id (no spaces, periods, '*' or '>')");
            }
        }
        for (String url : get(ConfigKeys.NATS_SERVERS)) {
            if (!isNatsUrl(url)) {
                problems.add("configuration setting \"nats.servers\": \"" + url
                        + "\" is not a NATS URL (e.g. nats://127.0.0.1:4222 or host:4222)");
            }
        }
        if (get(ConfigKeys.NATS_SERVERS).isEmpty() && !embeddedNats()) {
            problems.add("configuration setting \"nats.servers\" is empty: give at least one NATS URL or use nats.embedded");
        }
        return problems;
    }

    /** True when the broker runs its own NATS server (nats.embedded, or an embedded NATS config file). */
    public boolean embeddedNats() {
        return get(ConfigKeys.NATS_EMBEDDED) || get(ConfigKeys.NATS_EMBEDDED_CONFIG) != null;
    }

    private void pair(List<String> problems, ConfigKey<String> a, ConfigKey<String> b, String why) {
        if ((get(a) == null) != (get(b) == null)) {
            ConfigKey<String> given = get(a) != null ? a : b;
            ConfigKey<String> missing = given == a ? b : a;
            problems.add(given.name() + " is \"" + get(given) + "\" but " + missing.name() + " is not set: " + why);
        }
    }

    private void identifier(List<String> problems, ConfigKey<String> key) {
        String v = get(key);
        if (v != null && !isIdentifier(v)) {
            problems.add("configuration setting \"" + key.name() + "\": \"" + v
                    + "\" must be non-empty with no spaces, periods, '*' or '>' (it is part of NATS subjects)");
        }
    }

    /**
     * True for what NATS clients accept as a server: {@code scheme://[user[:pass]@]host[:port]}
     * with scheme nats, tls, ws or wss, or a bare {@code host[:port]} (clients add nats://).
     */
    static boolean isNatsUrl(String url) {
        String u = url.contains("://") ? url : "nats://" + url;
        try {
            java.net.URI uri = new java.net.URI(u);
            String scheme = uri.getScheme();
            if (scheme == null || !java.util.Set.of("nats", "tls", "ws", "wss").contains(scheme.toLowerCase(java.util.Locale.ROOT))) {
                return false;
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                return false;
            }
            String path = uri.getRawPath();
            return uri.getPort() <= 65535 && (path == null || path.isEmpty() || path.equals("/"));
        } catch (java.net.URISyntaxException e) {
            return false; // reported by the caller with the URL
        }
    }

    /** Ids and namespaces become NATS subject tokens, so they may not contain separators or wildcards. */
    static boolean isIdentifier(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isWhitespace(c) || c == '.' || c == '*' || c == '>') {
                return false;
            }
        }
        return true;
    }

    /** {host, port} of "host:port" (IPv6 as "[::1]:port"), or null when there is no colon. */
    private static String[] splitHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new String[] {host, s.substring(colon + 1)};
    }
}
