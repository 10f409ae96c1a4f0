package lb.broker.config;

import lb.broker.log.SyncPolicy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every broker setting (behavior.md §14.2, Liftbridge v1.9 names and defaults, plus lb's
 * {@code sync}), each with its doc, default and unit beside its constant. Settings may be
 * written flattened ({@code logging.level: debug}) or nested ({@code logging: {level: debug}})
 * in the YAML file. Durations use Go syntax ({@code 500ms}, {@code 15s}, {@code 168h}).
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    /** Address the gRPC server binds to. When absent, binds host:port if host is set, else 0.0.0.0:port. Default: unset, unit: host:port. */
    public static final ConfigKey<String> LISTEN = new ConfigKey<>("listen", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "host:port", "Address the gRPC server binds to. When absent, binds host:port if host is set, else 0.0.0.0:port.");
    /** Host advertised to clients in metadata; falls back to listen's host, then localhost. Also the bind host when listen is absent. Default: unset. */
    public static final ConfigKey<String> HOST = new ConfigKey<>("host", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "", "Host advertised to clients in metadata; falls back to listen's host, then localhost. Also the bind host when listen is absent.");
    /** gRPC port advertised (and bound when listen is absent); 0 binds any free port and advertises it. Flag --port/-p. Default: 9292, unit: TCP port. */
    public static final ConfigKey<Integer> PORT = new ConfigKey<>("port", ConfigKey.Kind.INT, 9292, 0L, List.of(),
            "TCP port", "gRPC port advertised (and bound when listen is absent); 0 binds any free port and advertises it. Flag --port/-p.");
    /** Data directory. Default (lb): $XDG_DATA_HOME/lb/&lt;namespace&gt;, else ~/.local/share/lb/&lt;namespace&gt;. Flag --data-dir/-d. Default: unset, unit: path. */
    public static final ConfigKey<String> DATA_DIR = new ConfigKey<>("data.dir", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Data directory. Default (lb): $XDG_DATA_HOME/lb/<namespace>, else ~/.local/share/lb/<namespace>. Flag --data-dir/-d.");
    /** Lifetime of the broker list cached for FetchMetadata. Default: 2m, unit: duration. */
    public static final ConfigKey<Duration> METADATA_CACHE_MAX_AGE = new ConfigKey<>("metadata.cache.max.age", ConfigKey.Kind.DURATION, Duration.ofMinutes(2), 0L, List.of(),
            "duration", "Lifetime of the broker list cached for FetchMetadata.");
    /** Log level. Flag --level/-l. Default: info. */
    public static final ConfigKey<String> LOGGING_LEVEL = new ConfigKey<>("logging.level", ConfigKey.Kind.ENUM, "info", 0L, List.of("debug", "info", "warn", "error"),
            "", "Log level. Flag --level/-l.");
    /** Log while replaying metadata at start-up (otherwise silenced). Default: false. */
    public static final ConfigKey<Boolean> LOGGING_RECOVERY = new ConfigKey<>("logging.recovery", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Log while replaying metadata at start-up (otherwise silenced).");
    /** Log from the Raft library. Default: false. */
    public static final ConfigKey<Boolean> LOGGING_RAFT = new ConfigKey<>("logging.raft", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Log from the Raft library.");
    /** Log from the embedded NATS server. Default: false. */
    public static final ConfigKey<Boolean> LOGGING_NATS = new ConfigKey<>("logging.nats", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Log from the embedded NATS server.");
    /** Most messages a partition leader appends in one batch. Default: 1024, unit: messages. */
    public static final ConfigKey<Integer> BATCH_MAX_MESSAGES = new ConfigKey<>("batch.max.messages", ConfigKey.Kind.INT, 1024, 1L, List.of(),
            "messages", "Most messages a partition leader appends in one batch.");
    /** Extra time a partition leader waits to fill a batch; 0 = none. Default: 0, unit: duration. */
    public static final ConfigKey<Duration> BATCH_MAX_TIME = new ConfigKey<>("batch.max.time", ConfigKey.Kind.DURATION, Duration.ZERO, 0L, List.of(),
            "duration", "Extra time a partition leader waits to fill a batch; 0 = none.");
    /** Private key of the gRPC server certificate; TLS needs tls.key and tls.cert. Flag --tls-key. Default: unset, unit: path. */
    public static final ConfigKey<String> TLS_KEY = new ConfigKey<>("tls.key", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Private key of the gRPC server certificate; TLS needs tls.key and tls.cert. Flag --tls-key.");
    /** gRPC server certificate; TLS needs tls.key and tls.cert. Flag --tls-cert. Default: unset, unit: path. */
    public static final ConfigKey<String> TLS_CERT = new ConfigKey<>("tls.cert", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "gRPC server certificate; TLS needs tls.key and tls.cert. Flag --tls-cert.");
    /** Require and verify client certificates (mutual TLS). Default: false. */
    public static final ConfigKey<Boolean> TLS_CLIENT_AUTH_ENABLED = new ConfigKey<>("tls.client.auth.enabled", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Require and verify client certificates (mutual TLS).");
    /** CA certificate for client certificates; system roots when absent. Default: unset, unit: path. */
    public static final ConfigKey<String> TLS_CLIENT_AUTH_CA = new ConfigKey<>("tls.client.auth.ca", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "CA certificate for client certificates; system roots when absent.");
    /** Enable ACL authorization (needs TLS, model and policy). Read from its own key (upstream reads tls.client.auth.enabled). Default: false. */
    public static final ConfigKey<Boolean> TLS_CLIENT_AUTHZ_ENABLED = new ConfigKey<>("tls.client.authz.enabled", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Enable ACL authorization (needs TLS, model and policy). Read from its own key (upstream reads tls.client.auth.enabled).");
    /** Casbin ACL model file. Default: unset, unit: path. */
    public static final ConfigKey<String> TLS_CLIENT_AUTHZ_MODEL = new ConfigKey<>("tls.client.authz.model", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Casbin ACL model file.");
    /** Casbin ACL policy file. Default: unset, unit: path. */
    public static final ConfigKey<String> TLS_CLIENT_AUTHZ_POLICY = new ConfigKey<>("tls.client.authz.policy", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Casbin ACL policy file.");
    /** NATS servers to connect to. Flag --nats-servers/-n (comma list, repeatable). Default: nats://127.0.0.1:4222, unit: URLs. */
    public static final ConfigKey<List<String>> NATS_SERVERS = new ConfigKey<>("nats.servers", ConfigKey.Kind.LIST, List.of("nats://127.0.0.1:4222"), 0L, List.of(),
            "URLs", "NATS servers to connect to. Flag --nats-servers/-n (comma list, repeatable).");
    /** NATS user name. Default: unset. */
    public static final ConfigKey<String> NATS_USER = new ConfigKey<>("nats.user", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "", "NATS user name.");
    /** NATS password. Default: unset. */
    public static final ConfigKey<String> NATS_PASSWORD = new ConfigKey<>("nats.password", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "", "NATS password.");
    /** Client certificate for NATS TLS (needs nats.tls.key). Default: unset, unit: path. */
    public static final ConfigKey<String> NATS_TLS_CERT = new ConfigKey<>("nats.tls.cert", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Client certificate for NATS TLS (needs nats.tls.key).");
    /** Client key for NATS TLS (needs nats.tls.cert). Default: unset, unit: path. */
    public static final ConfigKey<String> NATS_TLS_KEY = new ConfigKey<>("nats.tls.key", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Client key for NATS TLS (needs nats.tls.cert).");
    /** CA for the NATS servers' certificates. Default: unset, unit: path. */
    public static final ConfigKey<String> NATS_TLS_CA = new ConfigKey<>("nats.tls.ca", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "CA for the NATS servers' certificates.");
    /** Run a NATS server inside the broker. Flag --embedded-nats/-e. Default: false. */
    public static final ConfigKey<Boolean> NATS_EMBEDDED = new ConfigKey<>("nats.embedded", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Run a NATS server inside the broker. Flag --embedded-nats/-e.");
    /** Config file of the embedded NATS server; setting it implies nats.embedded. Flag --embedded-nats-config/--nc. Default: unset, unit: path. */
    public static final ConfigKey<String> NATS_EMBEDDED_CONFIG = new ConfigKey<>("nats.embedded.config", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "path", "Config file of the embedded NATS server; setting it implies nats.embedded. Flag --embedded-nats-config/--nc.");
    /** Default per-partition log size limit; 0 = none. Default: 0, unit: bytes. */
    public static final ConfigKey<Long> STREAMS_RETENTION_MAX_BYTES = new ConfigKey<>("streams.retention.max.bytes", ConfigKey.Kind.LONG, 0L, 0L, List.of(),
            "bytes", "Default per-partition log size limit; 0 = none.");
    /** Default per-partition message count limit; 0 = none. Default: 0, unit: messages. */
    public static final ConfigKey<Long> STREAMS_RETENTION_MAX_MESSAGES = new ConfigKey<>("streams.retention.max.messages", ConfigKey.Kind.LONG, 0L, 0L, List.of(),
            "messages", "Default per-partition message count limit; 0 = none.");
    /** Default segment age limit; 0 = none. Default: 168h, unit: duration. */
    public static final ConfigKey<Duration> STREAMS_RETENTION_MAX_AGE = new ConfigKey<>("streams.retention.max.age", ConfigKey.Kind.DURATION, Duration.ofHours(168), 0L, List.of(),
            "duration", "Default segment age limit; 0 = none.");
    /** Default period of retention, compaction and age-based rolling; 0 = 5m. Default: 5m, unit: duration. */
    public static final ConfigKey<Duration> STREAMS_CLEANER_INTERVAL = new ConfigKey<>("streams.cleaner.interval", ConfigKey.Kind.DURATION, Duration.ofMinutes(5), 0L, List.of(),
            "duration", "Default period of retention, compaction and age-based rolling; 0 = 5m.");
    /** Default segment size before rolling; 0 = 1 GiB. Default: 268435456, unit: bytes. */
    public static final ConfigKey<Long> STREAMS_SEGMENT_MAX_BYTES = new ConfigKey<>("streams.segment.max.bytes", ConfigKey.Kind.LONG, 268435456L, 0L, List.of(),
            "bytes", "Default segment size before rolling; 0 = 1 GiB.");
    /** Default segment age before rolling; default = streams.retention.max.age; 0 = size only; raised to 1s if between 0 and 1s. Default: unset, unit: duration. */
    public static final ConfigKey<Duration> STREAMS_SEGMENT_MAX_AGE = new ConfigKey<>("streams.segment.max.age", ConfigKey.Kind.DURATION, null, 0L, List.of(),
            "duration", "Default segment age before rolling; default = streams.retention.max.age; 0 = size only; raised to 1s if between 0 and 1s.");
    /** Default key compaction. Default: false. */
    public static final ConfigKey<Boolean> STREAMS_COMPACT_ENABLED = new ConfigKey<>("streams.compact.enabled", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Default key compaction.");
    /** Default compaction parallelism; 0 = 10. Default: 10, unit: threads. */
    public static final ConfigKey<Integer> STREAMS_COMPACT_MAX_GOROUTINES = new ConfigKey<>("streams.compact.max.goroutines", ConfigKey.Kind.INT, 10, 0L, List.of(),
            "threads", "Default compaction parallelism; 0 = 10.");
    /** Default idle time before a partition pauses itself; 0 = never. Default: 0, unit: duration. */
    public static final ConfigKey<Duration> STREAMS_AUTO_PAUSE_TIME = new ConfigKey<>("streams.auto.pause.time", ConfigKey.Kind.DURATION, Duration.ZERO, 0L, List.of(),
            "duration", "Default idle time before a partition pauses itself; 0 = never.");
    /** Default: do not auto-pause while the leader has subscribers. Default: false. */
    public static final ConfigKey<Boolean> STREAMS_AUTO_PAUSE_DISABLE_IF_SUBSCRIBERS = new ConfigKey<>("streams.auto.pause.disable.if.subscribers", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Default: do not auto-pause while the leader has subscribers.");
    /** Default optimistic concurrency control (applied, unlike upstream). Default: false. */
    public static final ConfigKey<Boolean> STREAMS_CONCURRENCY_CONTROL = new ConfigKey<>("streams.concurrency.control", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Default optimistic concurrency control (applied, unlike upstream).");
    /** Default encryption at rest (not supported yet: true is refused). Default: false. */
    public static final ConfigKey<Boolean> STREAMS_ENCRYPTION = new ConfigKey<>("streams.encryption", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Default encryption at rest (not supported yet: true is refused).");
    /** This server's id; random when absent; stored in the data directory. Flag --id/--server-id. Default: unset. */
    public static final ConfigKey<String> CLUSTERING_SERVER_ID = new ConfigKey<>("clustering.server.id", ConfigKey.Kind.STRING, null, 0L, List.of(),
            "", "This server's id; random when absent; stored in the data directory. Flag --id/--server-id.");
    /** Prefix of internal NATS subjects; isolates clusters sharing NATS. Flag --namespace/--ns. Default: liftbridge-default. */
    public static final ConfigKey<String> CLUSTERING_NAMESPACE = new ConfigKey<>("clustering.namespace", ConfigKey.Kind.STRING, "liftbridge-default", 0L, List.of(),
            "", "Prefix of internal NATS subjects; isolates clusters sharing NATS. Flag --namespace/--ns.");
    /** Metadata snapshots kept. Default: 2, unit: snapshots. */
    public static final ConfigKey<Integer> CLUSTERING_RAFT_SNAPSHOT_RETAIN = new ConfigKey<>("clustering.raft.snapshot.retain", ConfigKey.Kind.INT, 2, 1L, List.of(),
            "snapshots", "Metadata snapshots kept.");
    /** Metadata log entries between snapshots; 0 = 8192. Default: 8192, unit: entries. */
    public static final ConfigKey<Integer> CLUSTERING_RAFT_SNAPSHOT_THRESHOLD = new ConfigKey<>("clustering.raft.snapshot.threshold", ConfigKey.Kind.INT, 8192, 0L, List.of(),
            "entries", "Metadata log entries between snapshots; 0 = 8192.");
    /** Raft log entries cached in memory. Default: 512, unit: entries. */
    public static final ConfigKey<Integer> CLUSTERING_RAFT_CACHE_SIZE = new ConfigKey<>("clustering.raft.cache.size", ConfigKey.Kind.INT, 512, 0L, List.of(),
            "entries", "Raft log entries cached in memory.");
    /** Bootstrap a cluster of one when there is no metadata state. Flag --raft-bootstrap-seed. Default: false. */
    public static final ConfigKey<Boolean> CLUSTERING_RAFT_BOOTSTRAP_SEED = new ConfigKey<>("clustering.raft.bootstrap.seed", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Bootstrap a cluster of one when there is no metadata state. Flag --raft-bootstrap-seed.");
    /** Bootstrap with these servers when there is no metadata state. Flag --raft-bootstrap-peers. Default: empty, unit: server ids. */
    public static final ConfigKey<List<String>> CLUSTERING_RAFT_BOOTSTRAP_PEERS = new ConfigKey<>("clustering.raft.bootstrap.peers", ConfigKey.Kind.LIST, List.of(), 0L, List.of(),
            "server ids", "Bootstrap with these servers when there is no metadata state. Flag --raft-bootstrap-peers.");
    /** Most Raft voters; 0 = every server. Default: 0, unit: servers. */
    public static final ConfigKey<Integer> CLUSTERING_RAFT_MAX_QUORUM_SIZE = new ConfigKey<>("clustering.raft.max.quorum.size", ConfigKey.Kind.INT, 0, 0L, List.of(),
            "servers", "Most Raft voters; 0 = every server.");
    /** A follower not seen or not caught up this long leaves the ISR. Default: 15s, unit: duration. */
    public static final ConfigKey<Duration> CLUSTERING_REPLICA_MAX_LAG_TIME = new ConfigKey<>("clustering.replica.max.lag.time", ConfigKey.Kind.DURATION, Duration.ofSeconds(15), 1L, List.of(),
            "duration", "A follower not seen or not caught up this long leaves the ISR.");
    /** A follower without leader replies this long reports the leader. Default: 15s, unit: duration. */
    public static final ConfigKey<Duration> CLUSTERING_REPLICA_MAX_LEADER_TIMEOUT = new ConfigKey<>("clustering.replica.max.leader.timeout", ConfigKey.Kind.DURATION, Duration.ofSeconds(15), 1L, List.of(),
            "duration", "A follower without leader replies this long reports the leader.");
    /** Longest sleep of a caught-up follower; keep below replica.max.lag.time. Default: 10s, unit: duration. */
    public static final ConfigKey<Duration> CLUSTERING_REPLICA_MAX_IDLE_WAIT = new ConfigKey<>("clustering.replica.max.idle.wait", ConfigKey.Kind.DURATION, Duration.ofSeconds(10), 1L, List.of(),
            "duration", "Longest sleep of a caught-up follower; keep below replica.max.lag.time.");
    /** Follower fetch request timeout. Default: 3s, unit: duration. */
    public static final ConfigKey<Duration> CLUSTERING_REPLICA_FETCH_TIMEOUT = new ConfigKey<>("clustering.replica.fetch.timeout", ConfigKey.Kind.DURATION, Duration.ofSeconds(3), 1L, List.of(),
            "duration", "Follower fetch request timeout.");
    /** Default minimum ISR size for commits. Default: 1, unit: replicas. */
    public static final ConfigKey<Integer> CLUSTERING_MIN_INSYNC_REPLICAS = new ConfigKey<>("clustering.min.insync.replicas", ConfigKey.Kind.INT, 1, 1L, List.of(),
            "replicas", "Default minimum ISR size for commits.");
    /** Largest replication reply and largest accepted publish; keep at or below NATS max_payload. Default: 1048576, unit: bytes. */
    public static final ConfigKey<Long> CLUSTERING_REPLICATION_MAX_BYTES = new ConfigKey<>("clustering.replication.max.bytes", ConfigKey.Kind.LONG, 1048576L, 1L, List.of(),
            "bytes", "Largest replication reply and largest accepted publish; keep at or below NATS max_payload.");
    /** Publish metadata events to the __activity stream. Default: false. */
    public static final ConfigKey<Boolean> ACTIVITY_STREAM_ENABLED = new ConfigKey<>("activity.stream.enabled", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Publish metadata events to the __activity stream.");
    /** Timeout of one activity publish. Default: 5s, unit: duration. */
    public static final ConfigKey<Duration> ACTIVITY_STREAM_PUBLISH_TIMEOUT = new ConfigKey<>("activity.stream.publish.timeout", ConfigKey.Kind.DURATION, Duration.ofSeconds(5), 1L, List.of(),
            "duration", "Timeout of one activity publish.");
    /** Ack policy of activity publishes. Default: all. */
    public static final ConfigKey<String> ACTIVITY_STREAM_PUBLISH_ACK_POLICY = new ConfigKey<>("activity.stream.publish.ack.policy", ConfigKey.Kind.ENUM, "all", 0L, List.of("none", "leader", "all"),
            "", "Ack policy of activity publishes.");
    /** Partitions of the __cursors stream; 0 = cursors disabled. Default: 0, unit: partitions. */
    public static final ConfigKey<Integer> CURSORS_STREAM_PARTITIONS = new ConfigKey<>("cursors.stream.partitions", ConfigKey.Kind.INT, 0, 0L, List.of(),
            "partitions", "Partitions of the __cursors stream; 0 = cursors disabled.");
    /** Replication factor of __cursors; -1 = every server at creation (0 is refused). Default: -1, unit: replicas. */
    public static final ConfigKey<Integer> CURSORS_STREAM_REPLICATION_FACTOR = new ConfigKey<>("cursors.stream.replication.factor", ConfigKey.Kind.INT, -1, -1L, List.of(),
            "replicas", "Replication factor of __cursors; -1 = every server at creation (0 is refused).");
    /** Idle time before a __cursors partition pauses; 0 = never. Default: 1m, unit: duration. */
    public static final ConfigKey<Duration> CURSORS_STREAM_AUTO_PAUSE_TIME = new ConfigKey<>("cursors.stream.auto.pause.time", ConfigKey.Kind.DURATION, Duration.ofMinutes(1), 0L, List.of(),
            "duration", "Idle time before a __cursors partition pauses; 0 = never.");
    /** A consumer-group member silent this long is removed. Default: 15s, unit: duration. */
    public static final ConfigKey<Duration> GROUPS_CONSUMER_TIMEOUT = new ConfigKey<>("groups.consumer.timeout", ConfigKey.Kind.DURATION, Duration.ofSeconds(15), 1L, List.of(),
            "duration", "A consumer-group member silent this long is removed.");
    /** A group coordinator silent this long is replaced. Default: 15s, unit: duration. */
    public static final ConfigKey<Duration> GROUPS_COORDINATOR_TIMEOUT = new ConfigKey<>("groups.coordinator.timeout", ConfigKey.Kind.DURATION, Duration.ofSeconds(15), 1L, List.of(),
            "duration", "A group coordinator silent this long is replaced.");
    /** Accepted for compatibility with post-1.9 configs; lb never reports usage. Default: false. */
    public static final ConfigKey<Boolean> TELEMETRY_ENABLED = new ConfigKey<>("telemetry.enabled", ConfigKey.Kind.BOOL, false, 0L, List.of(),
            "", "Accepted for compatibility with post-1.9 configs; lb never reports usage.");
    /** Accepted for compatibility with post-1.9 configs; unused. Default: 86400, unit: seconds. */
    public static final ConfigKey<Integer> TELEMETRY_INTERVAL_SECONDS = new ConfigKey<>("telemetry.interval.seconds", ConfigKey.Kind.INT, 86400, 0L, List.of(),
            "seconds", "Accepted for compatibility with post-1.9 configs; unused.");
    /** lb only: when partition logs are fsynced: none, interval:&lt;ms&gt; or always (fsync before ack). Default: always. */
    public static final ConfigKey<SyncPolicy> SYNC = new ConfigKey<>("sync", ConfigKey.Kind.SYNC, SyncPolicy.ALWAYS, 0L, List.of(),
            "", "lb only: when partition logs are fsynced: none, interval:<ms> or always (fsync before ack).");

    /** Every setting, in the order of behavior.md §14.2. */
    public static final List<ConfigKey<?>> ALL = List.of(
            LISTEN,
            HOST,
            PORT,
            DATA_DIR,
            METADATA_CACHE_MAX_AGE,
            LOGGING_LEVEL,
            LOGGING_RECOVERY,
            LOGGING_RAFT,
            LOGGING_NATS,
            BATCH_MAX_MESSAGES,
            BATCH_MAX_TIME,
            TLS_KEY,
            TLS_CERT,
            TLS_CLIENT_AUTH_ENABLED,
            TLS_CLIENT_AUTH_CA,
            TLS_CLIENT_AUTHZ_ENABLED,
            TLS_CLIENT_AUTHZ_MODEL,
            TLS_CLIENT_AUTHZ_POLICY,
            NATS_SERVERS,
            NATS_USER,
            NATS_PASSWORD,
            NATS_TLS_CERT,
            NATS_TLS_KEY,
            NATS_TLS_CA,
            NATS_EMBEDDED,
            NATS_EMBEDDED_CONFIG,
            STREAMS_RETENTION_MAX_BYTES,
            STREAMS_RETENTION_MAX_MESSAGES,
            STREAMS_RETENTION_MAX_AGE,
            STREAMS_CLEANER_INTERVAL,
            STREAMS_SEGMENT_MAX_BYTES,
            STREAMS_SEGMENT_MAX_AGE,
            STREAMS_COMPACT_ENABLED,
            STREAMS_COMPACT_MAX_GOROUTINES,
            STREAMS_AUTO_PAUSE_TIME,
            STREAMS_AUTO_PAUSE_DISABLE_IF_SUBSCRIBERS,
            STREAMS_CONCURRENCY_CONTROL,
            STREAMS_ENCRYPTION,
            CLUSTERING_SERVER_ID,
            CLUSTERING_NAMESPACE,
            CLUSTERING_RAFT_SNAPSHOT_RETAIN,
            CLUSTERING_RAFT_SNAPSHOT_THRESHOLD,
            CLUSTERING_RAFT_CACHE_SIZE,
            CLUSTERING_RAFT_BOOTSTRAP_SEED,
            CLUSTERING_RAFT_BOOTSTRAP_PEERS,
            CLUSTERING_RAFT_MAX_QUORUM_SIZE,
            CLUSTERING_REPLICA_MAX_LAG_TIME,
            CLUSTERING_REPLICA_MAX_LEADER_TIMEOUT,
            CLUSTERING_REPLICA_MAX_IDLE_WAIT,
            CLUSTERING_REPLICA_FETCH_TIMEOUT,
            CLUSTERING_MIN_INSYNC_REPLICAS,
            CLUSTERING_REPLICATION_MAX_BYTES,
            ACTIVITY_STREAM_ENABLED,
            ACTIVITY_STREAM_PUBLISH_TIMEOUT,
            ACTIVITY_STREAM_PUBLISH_ACK_POLICY,
            CURSORS_STREAM_PARTITIONS,
            CURSORS_STREAM_REPLICATION_FACTOR,
            CURSORS_STREAM_AUTO_PAUSE_TIME,
            GROUPS_CONSUMER_TIMEOUT,
            GROUPS_COORDINATOR_TIMEOUT,
            TELEMETRY_ENABLED,
            TELEMETRY_INTERVAL_SECONDS,
            SYNC);

    private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();

    static {
        for (ConfigKey<?> k : ALL) {
            BY_NAME.put(k.name(), k);
        }
    }

    /** The setting called {@code name}, or null. */
    public static ConfigKey<?> byName(String name) {
        return BY_NAME.get(name);
    }
}
