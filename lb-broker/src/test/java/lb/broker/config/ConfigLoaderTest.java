package lb.broker.config;

import lb.broker.log.SyncPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Map<String, String> ENV = Map.of("HOME", "/home/u");

    private static BrokerConfig load(String yaml) {
        return ConfigLoader.load(yaml, "test.yaml", new ConfigOverrides(), ENV);
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> load(yaml)).problems();
    }

    /** The defaults of behavior.md §14.2, written out independently of ConfigKeys. */
    @Test
    void defaultsMatchLiftbridge() {
        BrokerConfig c = BrokerConfig.defaults(ENV);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("port", 9292);
        expected.put("metadata.cache.max.age", Duration.ofMinutes(2));
        expected.put("logging.level", "info");
        expected.put("logging.recovery", false);
        expected.put("logging.raft", false);
        expected.put("logging.nats", false);
        expected.put("batch.max.messages", 1024);
        expected.put("batch.max.time", Duration.ZERO);
        expected.put("tls.client.auth.enabled", false);
        expected.put("tls.client.authz.enabled", false);
        expected.put("nats.servers", List.of("nats://127.0.0.1:4222"));
        expected.put("nats.embedded", false);
        expected.put("streams.retention.max.bytes", 0L);
        expected.put("streams.retention.max.messages", 0L);
        expected.put("streams.retention.max.age", Duration.ofHours(168));
        expected.put("streams.cleaner.interval", Duration.ofMinutes(5));
        expected.put("streams.segment.max.bytes", 268435456L);
        expected.put("streams.compact.enabled", false);
        expected.put("streams.compact.max.goroutines", 10);
        expected.put("streams.auto.pause.time", Duration.ZERO);
        expected.put("streams.auto.pause.disable.if.subscribers", false);
        expected.put("streams.concurrency.control", false);
        expected.put("streams.encryption", false);
        expected.put("clustering.namespace", "liftbridge-default");
        expected.put("clustering.raft.snapshot.retain", 2);
        expected.put("clustering.raft.snapshot.threshold", 8192);
        expected.put("clustering.raft.cache.size", 512);
        expected.put("clustering.raft.bootstrap.seed", false);
        expected.put("clustering.raft.bootstrap.peers", List.of());
        expected.put("clustering.raft.max.quorum.size", 0);
        expected.put("clustering.replica.max.lag.time", Duration.ofSeconds(15));
        expected.put("clustering.replica.max.leader.timeout", Duration.ofSeconds(15));
        expected.put("clustering.replica.max.idle.wait", Duration.ofSeconds(10));
        expected.put("clustering.replica.fetch.timeout", Duration.ofSeconds(3));
        expected.put("clustering.min.insync.replicas", 1);
        expected.put("clustering.replication.max.bytes", 1048576L);
        expected.put("activity.stream.enabled", false);
        expected.put("activity.stream.publish.timeout", Duration.ofSeconds(5));
        expected.put("activity.stream.publish.ack.policy", "all");
        expected.put("cursors.stream.partitions", 0);
        expected.put("cursors.stream.replication.factor", -1);
        expected.put("cursors.stream.auto.pause.time", Duration.ofMinutes(1));
        expected.put("groups.consumer.timeout", Duration.ofSeconds(15));
        expected.put("groups.coordinator.timeout", Duration.ofSeconds(15));
        expected.put("telemetry.enabled", false);
        expected.put("telemetry.interval.seconds", 86400);
        expected.put("sync", SyncPolicy.ALWAYS);
        List<String> unsetByDefault = List.of("listen", "host", "data.dir", "tls.key", "tls.cert", "tls.client.auth.ca",
                "tls.client.authz.model", "tls.client.authz.policy", "nats.user", "nats.password", "nats.tls.cert",
                "nats.tls.key", "nats.tls.ca", "nats.embedded.config", "streams.segment.max.age", "clustering.server.id");
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (unsetByDefault.contains(k.name())) {
                assertNull(c.get(k), k.name());
            } else {
                assertTrue(expected.containsKey(k.name()), "no expected default for " + k.name());
                assertEquals(expected.get(k.name()), c.get(k), k.name());
            }
            assertFalse(c.isSet(k));
            assertFalse(k.doc().isBlank(), "doc of " + k.name());
        }
        assertEquals(expected.size() + unsetByDefault.size(), ConfigKeys.ALL.size());
        assertEquals("0.0.0.0", c.bindHost());
        assertEquals(9292, c.bindPort());
        assertEquals("localhost", c.advertisedHost());
        assertEquals(Path.of("/home/u/.local/share/lb/liftbridge-default"), c.dataDir());
    }

    /** A valid YAML value for each kind and the Java value it must become. */
    private static Object[] sample(ConfigKey<?> k) {
        return switch (k.kind()) {
            case STRING -> new Object[] {"x1", "x1"};
            case BOOL -> new Object[] {"true", true};
            case INT -> new Object[] {"7", 7};
            case LONG -> new Object[] {"7", 7L};
            case DURATION -> new Object[] {"1h30m", Duration.ofMinutes(90)};
            case LIST -> new Object[] {"[a1, b1]", List.of("a1", "b1")};
            case ENUM -> new Object[] {k.choices().get(0), k.choices().get(0)};
            case SYNC -> new Object[] {"interval:250", SyncPolicy.interval(250)};
        };
    }

    private static String nested(String name, String value) {
        String[] parts = name.split("\\.");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            b.append("  ".repeat(i)).append(parts[i]).append(':');
            b.append(i == parts.length - 1 ? " " + value + "\n" : "\n");
        }
        return b.toString();
    }

    @Test
    void everySettingLoadsFlattenedAndNested() {
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (k == ConfigKeys.LISTEN || k == ConfigKeys.STREAMS_ENCRYPTION || k == ConfigKeys.TLS_CLIENT_AUTH_ENABLED
                    || k == ConfigKeys.TLS_CLIENT_AUTHZ_ENABLED) {
                continue; // covered below: they need companions
            }
            Object[] s = sample(k);
            String companions = switch (k.name()) {
                case "tls.key" -> "tls.cert: c\n";
                case "tls.cert" -> "tls.key: k\n";
                case "nats.tls.cert" -> "nats.tls.key: k\n";
                case "nats.tls.key" -> "nats.tls.cert: c\n";
                default -> "";
            };
            BrokerConfig flat = load(k.name() + ": " + s[0] + "\n" + companions);
            assertEquals(s[1], flat.get(k), "flattened " + k.name());
            assertTrue(flat.isSet(k));
            BrokerConfig deep = load(nested(k.name(), (String) s[0]) + companions);
            assertEquals(s[1], deep.get(k), "nested " + k.name());
        }
        assertEquals("h:1", load("listen: h:1").get(ConfigKeys.LISTEN));
        assertTrue(load("tls: {key: k, cert: c, client: {auth: {enabled: true}}}").get(ConfigKeys.TLS_CLIENT_AUTH_ENABLED));
        assertTrue(load("tls.key: k\ntls.cert: c\ntls.client.authz: {enabled: true, model: m, policy: p}")
                .get(ConfigKeys.TLS_CLIENT_AUTHZ_ENABLED));
    }

    /** An invalid YAML value for each kind and how it is shown in the message. */
    private static String[] bad(ConfigKey<?> k) {
        return switch (k.kind()) {
            case STRING -> new String[] {"[1, 2]", "[1, 2] is not a string"};
            case BOOL -> new String[] {"maybe", "\"maybe\" is not a boolean (use true or false)"};
            case INT -> new String[] {"lots", "\"lots\" is not an integer"};
            case LONG -> new String[] {"-1", k.min() == 0 ? "-1 is negative" : "-1 is below the minimum 1"};
            case DURATION -> new String[] {"3x", "\"3x\" is not a duration (use Go syntax such as 500ms, 15s or 168h)"};
            case LIST -> new String[] {"{a: 1}", "Unknown configuration setting"};
            case ENUM -> new String[] {"verbose", "\"verbose\" is not one of " + String.join(", ", k.choices())};
            case SYNC -> new String[] {"sometimes", "\"sometimes\" is not a sync policy"};
        };
    }

    @Test
    void everyBadValueIsReportedWithItsSettingAndValue() {
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            String[] b = bad(k);
            List<String> p = problems(k.name() + ": " + b[0] + "\n");
            assertEquals(1, p.size(), k.name() + ": " + p);
            if (k.kind() == ConfigKey.Kind.LIST) {
                assertTrue(p.get(0).startsWith("Unknown configuration setting \"" + k.name() + ".a\""), p.get(0));
            } else {
                assertTrue(p.get(0).startsWith("configuration setting \"" + k.name() + "\": "), p.get(0));
                assertTrue(p.get(0).contains(b[1]), k.name() + ": " + p.get(0));
            }
        }
    }

    @Test
    void specificValueErrors() {
        assertEquals(List.of("configuration setting \"port\": 70000 is not a port (0-65535)"), problems("port: 70000"));
        assertEquals(List.of("configuration setting \"streams.retention.max.bytes\": -5 is negative (use 0 for no limit)"),
                problems("streams.retention.max.bytes: -5"));
        assertEquals(List.of("configuration setting \"batch.max.messages\": 0 is below the minimum 1"),
                problems("batch.max.messages: 0"));
        assertEquals(List.of("configuration setting \"clustering.replica.fetch.timeout\": \"0s\" must be greater than 0"),
                problems("clustering.replica.fetch.timeout: 0s"));
        assertEquals(List.of("configuration setting \"streams.retention.max.age\": 24 is not a duration: add a unit, such as 24s or 24ms"),
                problems("streams.retention.max.age: 24"));
        assertEquals(List.of("configuration setting \"streams.retention.max.age\": \"-1h\" is not a duration (use Go syntax such as 500ms, 15s or 168h)"),
                problems("streams.retention.max.age: -1h"));
        assertEquals(List.of("configuration setting \"cursors.stream.replication.factor\": 0 is not a replication factor (use -1 for every server, or 1 or more)"),
                problems("cursors.stream.replication.factor: 0"));
        assertEquals(List.of("configuration setting \"cursors.stream.replication.factor\": -2 is below the minimum -1"),
                problems("cursors.stream.replication.factor: -2"));
        assertEquals(List.of("configuration setting \"batch.max.messages\": 1.5 is not an integer"), problems("batch.max.messages: 1.5"));
        assertEquals(List.of("configuration setting \"clustering.raft.cache.size\": 99999999999 is too large (maximum 2147483647)"),
                problems("clustering.raft.cache.size: 99999999999"));
        assertEquals(List.of("configuration setting \"nats.servers\": list item 5 is not a non-empty string"),
                problems("nats.servers: [nats://a:1, 5]"));
        assertEquals(List.of("configuration setting \"sync\": \"interval:0\" is not a sync policy (use none, interval:<ms> with ms ≥ 1, or always)"),
                problems("sync: interval:0"));
    }

    @Test
    void unknownSettingUsesUpstreamText() {
        assertEquals(List.of("Unknown configuration setting \"clustering.raft.logging\""), problems("clustering:\n  raft.logging: true\n"));
        assertEquals(List.of("Unknown configuration setting \"prot\""), problems("prot: 1"));
    }

    @Test
    void allProblemsAreReportedTogether() {
        List<String> p = problems("port: x\nlogging.level: loud\nbogus: 1\n");
        assertEquals(3, p.size(), p.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> load("port: x\nbogus: 1\n"));
        assertEquals("configuration setting \"port\": \"x\" is not an integer\nUnknown configuration setting \"bogus\"", e.getMessage());
    }

    @Test
    void settingGivenTwiceIsRefused() {
        assertEquals(List.of("configuration setting \"logging.level\" is given twice (nested and flattened)"),
                problems("logging.level: debug\nlogging:\n  level: info\n"));
        List<String> dup = problems("port: 1\nport: 2\n");
        assertEquals(1, dup.size());
        assertTrue(dup.get(0).startsWith("configuration file test.yaml is not valid YAML: Duplicate"), dup.get(0));
    }

    @Test
    void badYamlIsReportedWithItsPosition() {
        List<String> p = problems("port: [1,\n");
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("configuration file test.yaml is not valid YAML: "), p.get(0));
        assertTrue(p.get(0).contains("(line "), p.get(0));
        assertEquals(List.of("configuration file test.yaml must be a mapping of settings (key: value), not a list"),
                problems("- a\n- b\n"));
        assertEquals(9292, load("").get(ConfigKeys.PORT), "an empty file sets nothing");
        assertEquals(9292, load("# only a comment\n").get(ConfigKeys.PORT));
        assertNull(load("host:\n").get(ConfigKeys.HOST), "a key without value is absent");
    }

    /** The example configuration of Liftbridge v1.9's documentation loads unchanged. */
    @Test
    void upstreamExampleConfigLoads() {
        String example = """
                ---
                listen: localhost:9293
                host: localhost
                data.dir: /tmp/liftbridge/server-2
                activity.stream.enabled: true

                # Configure logging.
                logging:
                  level: debug
                  raft: true

                # Define NATS cluster to connect to.
                nats.servers:
                  - nats://localhost:4300
                  - nats://localhost:4301

                # Specify message stream settings.
                streams:
                  retention.max:
                    age: 24h
                    messages: 100
                  compact.enabled: true

                # Specify cluster settings.
                clustering:
                  server.id: server-2
                  raft.bootstrap.seed: true
                  replica.max.lag.time: 20s
                """;
        BrokerConfig c = load(example);
        assertEquals("localhost", c.bindHost());
        assertEquals(9293, c.bindPort());
        assertEquals("localhost", c.advertisedHost());
        assertEquals(Path.of("/tmp/liftbridge/server-2"), c.dataDir());
        assertTrue(c.get(ConfigKeys.ACTIVITY_STREAM_ENABLED));
        assertEquals("debug", c.get(ConfigKeys.LOGGING_LEVEL));
        assertTrue(c.get(ConfigKeys.LOGGING_RAFT));
        assertEquals(List.of("nats://localhost:4300", "nats://localhost:4301"), c.get(ConfigKeys.NATS_SERVERS));
        assertEquals(Duration.ofHours(24), c.get(ConfigKeys.STREAMS_RETENTION_MAX_AGE));
        assertEquals(100L, c.get(ConfigKeys.STREAMS_RETENTION_MAX_MESSAGES));
        assertTrue(c.get(ConfigKeys.STREAMS_COMPACT_ENABLED));
        assertEquals("server-2", c.get(ConfigKeys.CLUSTERING_SERVER_ID));
        assertTrue(c.get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_SEED));
        assertEquals(Duration.ofSeconds(20), c.get(ConfigKeys.CLUSTERING_REPLICA_MAX_LAG_TIME));
        assertEquals(Duration.ofHours(24), c.streamDefaults().segmentMaxAge(), "segment age follows retention age");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() {
        String yaml = "port: 1000\nhost: filehost\nlogging.level: warn\n";
        Map<String, String> env = Map.of("HOME", "/h", "LIFTBRIDGE_PORT", "2000", "LIFTBRIDGE_LOGGING_LEVEL", "error",
                "LIFTBRIDGE_NATS_USER", "ignored-not-in-file");
        BrokerConfig c = ConfigLoader.load(yaml, "f", new ConfigOverrides(), env);
        assertEquals(2000, c.get(ConfigKeys.PORT));
        assertEquals("error", c.get(ConfigKeys.LOGGING_LEVEL));
        assertNull(c.get(ConfigKeys.NATS_USER), "environment only overrides settings present in the file");
        c = ConfigLoader.load(yaml, "f", new ConfigOverrides().port(3000), env);
        assertEquals(3000, c.get(ConfigKeys.PORT));
        assertEquals("filehost", c.get(ConfigKeys.HOST));
        List<String> p = assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml, "f", new ConfigOverrides(),
                Map.of("LIFTBRIDGE_PORT", "many"))).problems();
        assertEquals(List.of("environment variable LIFTBRIDGE_PORT (setting \"port\"): \"many\" is not an integer"), p);
    }

    @Test
    void everyFlagOverridesItsSetting() {
        ConfigOverrides flags = new ConfigOverrides()
                .port(0)
                .dataDir(Path.of("/d"))
                .serverId("me")
                .namespace("ns1")
                .natsServers(List.of("nats://a:1,nats://b:2", "nats://c:3"))
                .embeddedNats(true)
                .embeddedNatsConfig(Path.of("/n.conf"))
                .raftBootstrapSeed(false)
                .raftBootstrapPeers(List.of("p1,p2"))
                .level("debug")
                .tlsKey(Path.of("/k"))
                .tlsCert(Path.of("/c"))
                .sync("none")
                .set("streams.retention.max.age", "1h", "--retention-max-age");
        BrokerConfig c = ConfigLoader.load("port: 5\nclustering.namespace: filens\n", "f", flags, ENV);
        assertEquals(0, c.get(ConfigKeys.PORT));
        assertEquals(Path.of("/d"), c.dataDir());
        assertEquals("me", c.get(ConfigKeys.CLUSTERING_SERVER_ID));
        assertEquals("ns1", c.namespace());
        assertEquals(List.of("nats://a:1", "nats://b:2", "nats://c:3"), c.get(ConfigKeys.NATS_SERVERS));
        assertTrue(c.embeddedNats());
        assertEquals("/n.conf", c.get(ConfigKeys.NATS_EMBEDDED_CONFIG));
        assertEquals(List.of("p1", "p2"), c.get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS));
        assertEquals("debug", c.get(ConfigKeys.LOGGING_LEVEL));
        assertEquals("/k", c.get(ConfigKeys.TLS_KEY));
        assertEquals(SyncPolicy.NONE, c.sync());
        assertEquals(Duration.ofHours(1), c.get(ConfigKeys.STREAMS_RETENTION_MAX_AGE));

        List<String> p = assertThrows(ConfigException.class, () -> ConfigLoader.load((String) null, null,
                new ConfigOverrides().port(70000).level("loud").namespace("a.b"), ENV)).problems();
        assertEquals(List.of("flag --port: 70000 is not a port (0-65535)",
                "flag --level: \"loud\" is not one of debug, info, warn, error"), p);
        assertThrows(IllegalArgumentException.class, () -> new ConfigOverrides().set("no.such", 1, "--x"));
    }

    @Test
    void conflictingSettingsAreRefused() {
        assertEquals(List.of("tls.key is \"k\" but tls.cert is not set: TLS needs both"), problems("tls.key: k"));
        assertEquals(List.of("nats.tls.key is \"k\" but nats.tls.cert is not set: NATS TLS needs both"), problems("nats.tls.key: k"));
        assertEquals(List.of("tls.client.auth.enabled is true but TLS is off: set tls.key and tls.cert"),
                problems("tls.client.auth.enabled: true"));
        assertEquals(List.of("tls.client.authz.enabled is true but TLS is off: set tls.key and tls.cert",
                        "tls.client.authz.enabled is true: set both tls.client.authz.model and tls.client.authz.policy"),
                problems("tls.client.authz.enabled: true"));
        assertEquals(List.of("clustering.raft.bootstrap.seed is true and clustering.raft.bootstrap.peers is [a, b]: use one or the other"),
                problems("clustering.raft.bootstrap.seed: true\nclustering.raft.bootstrap.peers: [a, b]"));
        assertEquals(List.of("nats.embedded is false but nats.embedded.config is \"n.conf\": an embedded NATS config needs the embedded server"),
                problems("nats.embedded: false\nnats.embedded.config: n.conf"));
        assertTrue(load("nats.embedded.config: n.conf").embeddedNats(), "an embedded config implies embedded NATS");
        assertEquals(List.of("configuration setting \"streams.encryption\": true is not supported yet (encryption at rest is not implemented); remove it or set false"),
                problems("streams.encryption: true"));
        assertEquals(List.of("configuration setting \"clustering.namespace\": \"my ns.x\" must be non-empty with no spaces, periods, '*' or '>' (it is part of NATS subjects)"),
                problems("clustering.namespace: my ns.x"));
        assertEquals(List.of("configuration setting \"clustering.server.id\": \"\" is empty; remove the setting to use the default"),
                problems("clustering.server.id: ''"));
        assertEquals(List.of("configuration setting \"data.dir\": \" \" is empty; remove the setting to use the default"),
                problems("data.dir: ' '"));
        assertEquals(List.of("flag --namespace: \"\" is empty; remove the setting to use the default"),
                assertThrows(ConfigException.class, () -> ConfigLoader.load((String) null, null,
                        new ConfigOverrides().namespace(""), ENV)).problems());
        assertEquals("", load("nats.password: ''").get(ConfigKeys.NATS_PASSWORD), "an empty password is a password");
        assertEquals(List.of("configuration setting \"clustering.raft.bootstrap.peers\": \"a.b\" is not a server id (no spaces, periods, '*' or '>')"),
                problems("clustering.raft.bootstrap.peers: [a.b]"));
        assertEquals(List.of("configuration setting \"listen\": \"nohost\" is not host:port (e.g. 0.0.0.0:9292)"), problems("listen: nohost"));
        assertEquals(List.of("configuration setting \"listen\": \"h:99999\" has no valid port (0-65535)"), problems("listen: h:99999"));
        assertEquals(List.of("configuration setting \"nats.servers\" is empty: give at least one NATS URL or use nats.embedded"),
                problems("nats.servers: []"));
        assertEquals(List.of("configuration setting \"nats.servers\": \"http://h:1\" is not a NATS URL (e.g. nats://127.0.0.1:4222 or host:4222)",
                        "configuration setting \"nats.servers\": \"nats://h:port\" is not a NATS URL (e.g. nats://127.0.0.1:4222 or host:4222)",
                        "configuration setting \"nats.servers\": \"nats://\" is not a NATS URL (e.g. nats://127.0.0.1:4222 or host:4222)"),
                problems("nats.servers: ['http://h:1', 'nats://h:port', 'nats://']"));
        assertEquals(List.of("nats://a:4222", "tls://u:p@b:4443", "c:4222", "ws://d", "nats://[::1]:4222"),
                load("nats.servers: ['nats://a:4222', 'tls://u:p@b:4443', 'c:4222', 'ws://d', 'nats://[::1]:4222']")
                        .get(ConfigKeys.NATS_SERVERS));
    }

    @Test
    void addressesFollowListenHostAndPort() {
        BrokerConfig c = load("listen: 0.0.0.0:7000\nhost: broker.example\n");
        assertEquals("0.0.0.0", c.bindHost());
        assertEquals(7000, c.bindPort());
        assertEquals(7000, c.advertisedPort());
        assertEquals("broker.example", c.advertisedHost());
        assertEquals(7100, ConfigLoader.load("listen: 0.0.0.0:7000\n", "f", new ConfigOverrides().port(7100), ENV).bindPort(),
                "the --port flag wins over listen's port");
        c = load("host: h1\nport: 8000\n");
        assertEquals("h1", c.bindHost());
        assertEquals(8000, c.bindPort());
        c = load("listen: '[::1]:9000'\n");
        assertEquals("::1", c.bindHost());
        assertEquals("::1", c.advertisedHost());
        assertEquals(9000, c.bindPort());
        assertEquals("localhost", load("listen: 0.0.0.0:1\n").advertisedHost());
    }

    @Test
    void dataDirectoryFollowsXdg() {
        assertEquals(Path.of("/xdg/lb/liftbridge-default"),
                BrokerConfig.defaults(Map.of("XDG_DATA_HOME", "/xdg", "HOME", "/h")).dataDir());
        assertEquals(Path.of("/h/.local/share/lb/liftbridge-default"),
                BrokerConfig.defaults(Map.of("XDG_DATA_HOME", "relative/path", "HOME", "/h")).dataDir(),
                "a relative XDG_DATA_HOME is ignored, as the XDG spec says");
        assertEquals(Path.of("/h/.local/share/lb/prod"),
                ConfigLoader.load((String) null, null, new ConfigOverrides().namespace("prod"), Map.of("HOME", "/h")).dataDir());
        assertEquals(Path.of("/data"), ConfigLoader.load("data.dir: /data", "f", new ConfigOverrides(),
                Map.of("XDG_DATA_HOME", "/xdg")).dataDir());
    }

    @Test
    void streamDefaultsResolveZeroValuesAndClamp() {
        StreamSettings d = load("streams:\n  segment.max.age: 500ms\n  segment.max.bytes: 0\n  cleaner.interval: 0\n"
                + "  compact.max.goroutines: 0\n  concurrency.control: true\nclustering.min.insync.replicas: 2\n").streamDefaults();
        assertEquals(Duration.ofSeconds(1), d.segmentMaxAge(), "server-level segment age raised to 1s");
        assertEquals(1L << 30, d.segmentMaxBytes());
        assertEquals(Duration.ofMinutes(5), d.cleanerInterval());
        assertEquals(10, d.compactMaxGoroutines());
        assertTrue(d.optimisticConcurrencyControl(), "server-level OCC applies (upstream ignores it)");
        assertEquals(2, d.minIsr());
        assertEquals(Duration.ZERO, load("streams.segment.max.age: 0").streamDefaults().segmentMaxAge());
        assertEquals(Duration.ofHours(168), BrokerConfig.defaults(ENV).streamDefaults().segmentMaxAge());
    }

    @Test
    void effectiveSettingsApplyOverridesAndZeroValues() {
        StreamSettings defaults = BrokerConfig.defaults(ENV).streamDefaults();
        assertEquals(defaults, StreamSettings.effective(defaults, StreamOverrides.NONE));
        StreamOverrides o = new StreamOverrides(5L, 6L, 0L, 0L, 0L, 100L, 0, true, 60_000L, true, 3, true, false);
        StreamSettings e = StreamSettings.effective(defaults, o);
        assertEquals(5L, e.retentionMaxBytes());
        assertEquals(6L, e.retentionMaxMessages());
        assertEquals(Duration.ZERO, e.retentionMaxAge(), "a present zero is an override: no age limit");
        assertEquals(Duration.ofMinutes(5), e.cleanerInterval());
        assertEquals(1L << 30, e.segmentMaxBytes(), "segmentMaxBytes 0 means 1 GiB, as upstream");
        assertEquals(Duration.ofMillis(100), e.segmentMaxAge(), "per-stream segment age is not clamped");
        assertEquals(10, e.compactMaxGoroutines());
        assertTrue(e.compactEnabled());
        assertEquals(Duration.ofMinutes(1), e.autoPauseTime());
        assertTrue(e.autoPauseDisableIfSubscribers());
        assertEquals(3, e.minIsr());
        assertTrue(e.optimisticConcurrencyControl());
        assertFalse(e.encryption());
    }

    @Test
    void overrideProblemsNameTheFieldAndValue() {
        List<String> seen = new ArrayList<>();
        seen.add(new StreamOverrides(-1L, null, null, null, null, null, null, null, null, null, null, null, null).problem().orElseThrow());
        seen.add(new StreamOverrides(null, null, -2L, null, null, null, null, null, null, null, null, null, null).problem().orElseThrow());
        seen.add(new StreamOverrides(null, null, null, null, null, null, -3, null, null, null, null, null, null).problem().orElseThrow());
        seen.add(new StreamOverrides(null, null, null, null, null, null, null, null, null, null, -4, null, null).problem().orElseThrow());
        assertEquals(List.of("retentionMaxBytes -1 is negative (use 0 for no limit)",
                "retentionMaxAge -2 is negative (milliseconds; use 0 for no limit)",
                "compactMaxGoroutines -3 is negative; 0 means 10",
                "minIsr -4 is negative; use 1 or more"), seen);
        assertTrue(StreamOverrides.NONE.problem().isEmpty());
    }

    @Test
    void loadsAFileAndReportsAMissingOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("lb.yaml");
        java.nio.file.Files.writeString(file, "clustering:\n  namespace: fromfile\n");
        assertEquals("fromfile", ConfigLoader.load(file, new ConfigOverrides(), ENV).namespace());
        assertEquals(file.toString(), ConfigLoader.load(file, new ConfigOverrides(), ENV).configFile());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("missing.yaml"), new ConfigOverrides(), ENV));
        assertTrue(e.getMessage().startsWith("cannot read configuration file " + dir.resolve("missing.yaml")), e.getMessage());
        java.nio.file.Files.writeString(file, "bogus: 1\n");
        assertEquals(List.of("Unknown configuration setting \"bogus\""),
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file, new ConfigOverrides(), ENV)).problems());
    }

    @Test
    void asMapHidesThePassword() {
        Map<String, Object> m = load("nats.password: secret\n").asMap();
        assertEquals("********", m.get("nats.password"));
        assertEquals("168h", m.get("streams.retention.max.age"));
        assertEquals("always", m.get("sync").toString());
    }
}
