package lb.broker.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line overrides of the configuration (issue 5 item 1), as a plain API the CLI calls
 * with the values it parsed; only flags actually given are set. Each override names its flag
 * so that a bad value is reported as, e.g., {@code flag --port: 70000 is not a port (0-65535)}.
 * Flags win over the config file and the environment. Not thread-safe; build, then hand to
 * {@link ConfigLoader}.
 */
public final class ConfigOverrides {
    /** One flag value: the setting it overrides, the raw value and the flag's name. */
    record Override(ConfigKey<?> key, Object value, String flag) {
    }

    private final Map<ConfigKey<?>, Override> overrides = new LinkedHashMap<>();

    /** {@code --port}/{@code -p}: the gRPC port (0 = any free port). */
    public ConfigOverrides port(int port) {
        return set(ConfigKeys.PORT, port, "--port");
    }

    /** {@code --data-dir}/{@code -d}. */
    public ConfigOverrides dataDir(Path dir) {
        return set(ConfigKeys.DATA_DIR, dir.toString(), "--data-dir");
    }

    /** {@code --id}/{@code --server-id}. */
    public ConfigOverrides serverId(String id) {
        return set(ConfigKeys.CLUSTERING_SERVER_ID, id, "--id");
    }

    /** {@code --namespace}/{@code --ns}. */
    public ConfigOverrides namespace(String namespace) {
        return set(ConfigKeys.CLUSTERING_NAMESPACE, namespace, "--namespace");
    }

    /** {@code --nats-servers}/{@code -n}: each value may itself be a comma-separated list (the flag repeats). */
    public ConfigOverrides natsServers(List<String> servers) {
        return set(ConfigKeys.NATS_SERVERS, splitCommas(servers), "--nats-servers");
    }

    /** {@code --embedded-nats}/{@code -e}. */
    public ConfigOverrides embeddedNats(boolean embedded) {
        return set(ConfigKeys.NATS_EMBEDDED, embedded, "--embedded-nats");
    }

    /** {@code --embedded-nats-config}/{@code --nc}: implies an embedded NATS server. */
    public ConfigOverrides embeddedNatsConfig(Path file) {
        return set(ConfigKeys.NATS_EMBEDDED_CONFIG, file.toString(), "--embedded-nats-config");
    }

    /** {@code --raft-bootstrap-seed}. */
    public ConfigOverrides raftBootstrapSeed(boolean seed) {
        return set(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_SEED, seed, "--raft-bootstrap-seed");
    }

    /** {@code --raft-bootstrap-peers}: server ids, comma-separated values allowed. */
    public ConfigOverrides raftBootstrapPeers(List<String> peers) {
        return set(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS, splitCommas(peers), "--raft-bootstrap-peers");
    }

    /** {@code --level}/{@code -l}: debug, info, warn or error. */
    public ConfigOverrides level(String level) {
        return set(ConfigKeys.LOGGING_LEVEL, level, "--level");
    }

    /** {@code --tls-key}. */
    public ConfigOverrides tlsKey(Path file) {
        return set(ConfigKeys.TLS_KEY, file.toString(), "--tls-key");
    }

    /** {@code --tls-cert}. */
    public ConfigOverrides tlsCert(Path file) {
        return set(ConfigKeys.TLS_CERT, file.toString(), "--tls-cert");
    }

    /** {@code --sync}: none, interval:&lt;ms&gt; or always. */
    public ConfigOverrides sync(String policy) {
        return set(ConfigKeys.SYNC, policy, "--sync");
    }

    /**
     * Any other setting by its config-file name, for flags the CLI adds later
     * (e.g. {@code set("streams.retention.max.age", "24h", "--retention")}). The value is
     * converted like a YAML value: a String, Boolean, Number or List of String.
     */
    public ConfigOverrides set(String settingName, Object value, String flag) {
        ConfigKey<?> key = ConfigKeys.byName(settingName);
        if (key == null) {
            throw new IllegalArgumentException("Unknown configuration setting \"" + settingName + "\" for " + flag);
        }
        return set(key, value, flag);
    }

    private ConfigOverrides set(ConfigKey<?> key, Object value, String flag) {
        overrides.put(key, new Override(key, value, flag));
        return this;
    }

    Map<ConfigKey<?>, Override> values() {
        return Collections.unmodifiableMap(overrides);
    }

    private static List<String> splitCommas(List<String> values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }
}
