package lb.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lb.broker.config.ConfigKeys;
import lb.broker.config.ConfigOverrides;
import picocli.CommandLine.Option;

/**
 * The configuration flags of {@code lb broker start} and {@code lb broker config}: a file and
 * the flags that override it, turned into {@link ConfigOverrides} for the broker's
 * {@code ConfigLoader}. A picocli mixin; remembers which setting each given flag set, so that
 * {@code config print} can say where a value came from. One instance per command line, used on
 * the command's thread.
 */
final class BrokerConfigOptions {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Liftbridge YAML configuration file.")
    Path config;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "gRPC port (default 9292).")
    Integer port;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", description = "Data directory.")
    Path dataDir;

    @Option(names = "--id", paramLabel = "ID", description = "Server id (default: generated once and kept in the data directory).")
    String id;

    @Option(names = "--namespace", paramLabel = "NS", description = "Cluster namespace (default liftbridge-default).")
    String namespace;

    @Option(names = {"-n", "--nats-servers"}, paramLabel = "URL", split = ",",
            description = "NATS servers to use instead of the embedded one (comma-separated).")
    List<String> natsServers;

    @Option(names = {"-e", "--embedded-nats"}, description = "Run the embedded NATS server (the default when no NATS servers are given).")
    Boolean embeddedNats;

    @Option(names = "--raft-bootstrap-seed", description = {"Bootstrap a new cluster with this server as its seed.",
        "Needed by the first broker on shared NATS (--nats-servers); with its own embedded NATS a broker seeds itself."})
    Boolean raftBootstrapSeed;

    @Option(names = "--sync", paramLabel = "POLICY",
            description = "When partition data is fsynced: always (default: before every ack), interval:<ms>, or none.")
    String sync;

    @Option(names = "--level", paramLabel = "LEVEL", description = "Log level: debug, info (default), warn, error.")
    String level;

    @Option(names = {"-X", "--set"}, paramLabel = "KEY=VALUE",
            description = "Any setting by its configuration-file name, e.g. -X streams.retention.max.age=24h (repeatable).")
    List<String> settings;

    /** Setting name -> the flag that set it, filled by {@link #overrides()}. */
    private final Map<String, String> flagged = new LinkedHashMap<>();

    /**
     * The overrides of the flags given.
     *
     * @throws UsageException for a -X that is not KEY=VALUE or names no setting
     */
    ConfigOverrides overrides() {
        ConfigOverrides o = new ConfigOverrides();
        flagged.clear();
        if (settings != null) {
            for (String s : settings) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new UsageException("-X '" + s + "' must be KEY=VALUE, e.g. -X streams.retention.max.age=24h");
                }
                String k = s.substring(0, eq).trim();
                if (ConfigKeys.byName(k) == null) {
                    throw new UsageException("-X " + k + ": Unknown configuration setting \"" + k
                            + "\" (see 'lb broker config print' for every setting)");
                }
                o.set(k, s.substring(eq + 1), "-X " + k);
                flagged.put(k, "-X");
            }
        }
        if (port != null) {
            o.port(port);
            flagged.put(ConfigKeys.PORT.name(), "--port");
        }
        if (dataDir != null) {
            o.dataDir(dataDir);
            flagged.put(ConfigKeys.DATA_DIR.name(), "--data-dir");
        }
        if (id != null) {
            o.serverId(id);
            flagged.put(ConfigKeys.CLUSTERING_SERVER_ID.name(), "--id");
        }
        if (namespace != null) {
            o.namespace(namespace);
            flagged.put(ConfigKeys.CLUSTERING_NAMESPACE.name(), "--namespace");
        }
        if (natsServers != null) {
            o.natsServers(natsServers);
            flagged.put(ConfigKeys.NATS_SERVERS.name(), "--nats-servers");
        }
        if (embeddedNats != null) {
            o.embeddedNats(embeddedNats);
            flagged.put(ConfigKeys.NATS_EMBEDDED.name(), "--embedded-nats");
        }
        if (raftBootstrapSeed != null) {
            o.raftBootstrapSeed(raftBootstrapSeed);
            flagged.put(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_SEED.name(), "--raft-bootstrap-seed");
        }
        if (sync != null) {
            o.sync(sync);
            flagged.put(ConfigKeys.SYNC.name(), "--sync");
        }
        if (level != null) {
            o.level(level);
            flagged.put(ConfigKeys.LOGGING_LEVEL.name(), "--level");
        }
        return o;
    }

    /** The flag that set {@code setting} in the last {@link #overrides()}, or null. */
    String flagFor(String setting) {
        return flagged.get(setting);
    }
}
