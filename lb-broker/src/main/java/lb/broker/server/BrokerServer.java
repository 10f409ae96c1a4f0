package lb.broker.server;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.liftbridge.proto.APIGrpc;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import lb.broker.api.ActivityPublisher;
import lb.broker.api.ApiService;
import lb.broker.api.BrokerContext;
import lb.broker.metadata.GroupCoordinator;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigKeys;
import lb.broker.config.ServerIdentity;
import lb.broker.log.SyncPolicy;
import lb.broker.metadata.InternalStreams;
import lb.broker.metadata.MetadataController;
import lb.broker.metadata.MetadataFsm;
import lb.broker.nats.EmbeddedNatsServer;
import lb.broker.nats.NatsServerOptions;
import lb.broker.partition.PartitionHost;
import lb.broker.partition.Partitions;

/**
 * One broker process: NATS (embedded or external), the metadata log and FSM, the partitions,
 * and the gRPC server with the Liftbridge API and the health service.
 *
 * <p>Start-up, in order: data directory and server id; NATS; metadata (replaying the log
 * re-opens every partition and flag); internal streams; gRPC. Shutdown ({@link #close}) runs
 * the reverse: health NOT_SERVING and stop accepting calls, drain partition writers and
 * checkpoint their logs, close the metadata log, leave NATS, stop the embedded server.
 *
 * <p>Thread-safe; {@link #close()} may be called from a shutdown hook.
 */
public final class BrokerServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BrokerServer.class.getName());
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final BrokerConfig config;
    private final String serverId;
    private final Path dataDir;
    private final List<String> natsUrls;
    private EmbeddedNatsServer embedded;
    private Connection nats;
    private MetadataFsm fsm;
    private lb.broker.metadata.CommandLog metadataLog;
    private Partitions partitions;
    private lb.broker.partition.Dispatchers dispatchers;
    private MetadataController controller;
    private ApiService api;
    private ActivityPublisher activity;
    private GroupCoordinator groups;
    private HealthStatusManager health;
    private Server grpc;
    private ExecutorService executor;
    private boolean closed;

    private BrokerServer(BrokerConfig config, String serverId, Path dataDir, List<String> natsUrls) {
        this.config = config;
        this.serverId = serverId;
        this.dataDir = dataDir;
        this.natsUrls = natsUrls;
    }

    /** Starts a broker; on failure everything started so far is stopped again. */
    public static BrokerServer start(BrokerConfig config) throws IOException {
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        String id = ServerIdentity.resolve(dataDir, config.get(ConfigKeys.CLUSTERING_SERVER_ID));
        BrokerServer b = new BrokerServer(config, id, dataDir, new ArrayList<>());
        try {
            b.startAll();
            return b;
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** True when this broker runs its own NATS server: asked for, or no NATS configured at all. */
    public static boolean usesEmbeddedNats(BrokerConfig config) {
        return config.embeddedNats()
                || !config.isSet(ConfigKeys.NATS_SERVERS) && !config.isSet(ConfigKeys.NATS_EMBEDDED);
    }

    private void startAll() throws IOException {
        if (config.get(ConfigKeys.TLS_CLIENT_AUTHZ_ENABLED)) {
            throw new IOException("tls.client.authz.enabled: ACL authorization is not supported by lb yet; "
                    + "set it to false (TLS and client certificates are)");
        }
        // 1. NATS.
        if (usesEmbeddedNats(config)) {
            NatsServerOptions.Builder nb;
            String file = config.get(ConfigKeys.NATS_EMBEDDED_CONFIG);
            if (file != null) {
                // A nats-server configuration file (Liftbridge's nats.embedded.config): its
                // listen address, limits and authorization apply.
                nb = NatsServerOptions.fromNatsConfig(Path.of(file));
            } else {
                URI first = URI.create(config.get(ConfigKeys.NATS_SERVERS).isEmpty()
                        ? "nats://127.0.0.1:4222" : config.get(ConfigKeys.NATS_SERVERS).get(0));
                nb = NatsServerOptions.builder()
                        .host(first.getHost() == null ? "127.0.0.1" : first.getHost())
                        .port(first.getPort() < 0 ? NatsServerOptions.DEFAULT_PORT : first.getPort());
                if (config.get(ConfigKeys.NATS_USER) != null) {
                    // The embedded server asks for the same credentials the broker connects with.
                    nb.userPassword(config.get(ConfigKeys.NATS_USER), config.get(ConfigKeys.NATS_PASSWORD));
                }
            }
            embedded = EmbeddedNatsServer.start(nb.serverName("lb-" + serverId).build());
            natsUrls.add(embedded.clientUrl());
        } else {
            natsUrls.addAll(config.get(ConfigKeys.NATS_SERVERS));
        }
        nats = connectNats();

        // 2. Metadata and partitions: replaying the metadata log re-creates every partition.
        dispatchers = new lb.broker.partition.Dispatchers(nats, Math.max(2, Runtime.getRuntime().availableProcessors()));
        fsm = new MetadataFsm();
        PartitionHost host = new Host();
        partitions = new Partitions(dataDir, host, config.streamDefaults(),
                config.sync());
        partitions.streamLookup(name -> fsm.view().stream(name));
        fsm.addListener(partitions);
        if (config.get(ConfigKeys.ACTIVITY_STREAM_ENABLED)) {
            activity = new ActivityPublisher(ackPolicy(config.get(ConfigKeys.ACTIVITY_STREAM_PUBLISH_ACK_POLICY)),
                    config.get(ConfigKeys.ACTIVITY_STREAM_PUBLISH_TIMEOUT));
            fsm.addListener(activity);
        }
        groups = new GroupCoordinator(serverId, fsm, config.get(ConfigKeys.GROUPS_CONSUMER_TIMEOUT),
                config.get(ConfigKeys.GROUPS_COORDINATOR_TIMEOUT), System::nanoTime);
        fsm.addListener(groups);
        metadataLog = new RaftCommandLog(serverId, raftConfig(), dataDir.resolve("raft"),
                new lb.broker.raft.NatsTransport(nats, config.namespace(), Duration.ofSeconds(5), 256),
                DEFAULT_TIMEOUT);
        metadataLog.start(fsm);
        // Placement counts the servers of the metadata group (a single broker: itself).
        controller = new MetadataController(metadataLog, fsm, () -> List.of(serverId), Clock.systemUTC());
        controller.setGroupCoordinatorTimeout(config.get(ConfigKeys.GROUPS_COORDINATOR_TIMEOUT));
        groups.start((g, c) -> controller.leaveConsumerGroup(g, c, true), true);

        // 3. Internal streams.
        int cursors = config.get(ConfigKeys.CURSORS_STREAM_PARTITIONS);
        if (cursors > 0) {
            join(controller.ensureInternalStream(InternalStreams.cursors(config.namespace(), cursors,
                    config.get(ConfigKeys.CURSORS_STREAM_REPLICATION_FACTOR),
                    config.get(ConfigKeys.CURSORS_STREAM_AUTO_PAUSE_TIME))));
        }
        if (config.get(ConfigKeys.ACTIVITY_STREAM_ENABLED)) {
            join(controller.ensureInternalStream(InternalStreams.activity(config.namespace())));
        }

        // 4. gRPC: calls start on the transport's threads (direct executor); the service runs
        // what never blocks there (publishing to a partition led here, metadata reads, flow-
        // controlled streams) and hands anything that may wait (a Raft proposal, an ack over
        // NATS) to a virtual thread from this executor, so a waiting call blocks only itself.
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lb-grpc-", 0).factory());
        api = new ApiService(new BrokerContext(serverId, config.namespace(), config.advertisedHost(),
                this::port, controller, fsm, partitions, nats, DEFAULT_TIMEOUT, cursors,
                Clock.systemUTC()), groups, executor);
        if (activity != null) {
            activity.start(api);
        }
        health = new HealthStatusManager();
        NettyServerBuilder sb = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.bindPort()));
        if (config.get(ConfigKeys.TLS_CERT) != null) {
            sb.sslContext(serverTls());
        }
        grpc = sb.directExecutor()
                .addService(api.definition())
                .addService(health.getHealthService())
                .maxInboundMessageSize(Math.max(4 << 20,
                        (int) Math.min(Integer.MAX_VALUE, 2 * maxMessageBytes())))
                .build();
        try {
            grpc.start();
        } catch (IOException e) {
            throw new IOException("cannot listen for gRPC on " + config.bindHost() + ":" + config.bindPort()
                    + ": " + e.getMessage() + " (is another broker running? use --port to pick another)", e);
        }
        health.setStatus(APIGrpc.SERVICE_NAME, ServingStatus.SERVING);
        health.setStatus("", ServingStatus.SERVING);
    }

    /**
     * Raft settings from the config. With neither {@code raft.bootstrap.seed} nor peers, a broker
     * on its own embedded NATS server bootstraps a group of one (nobody else shares that NATS);
     * on external NATS it joins the group already there, as upstream does.
     */
    private lb.broker.raft.RaftConfig raftConfig() {
        boolean seed = config.get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_SEED);
        List<String> peers = config.get(ConfigKeys.CLUSTERING_RAFT_BOOTSTRAP_PEERS);
        if (!seed && peers.isEmpty() && embedded != null) {
            seed = true;
        }
        return lb.broker.raft.RaftConfig.defaults()
                .withSnapshotThreshold(config.metadataSnapshotThreshold())
                .withMaxQuorumSize(config.get(ConfigKeys.CLUSTERING_RAFT_MAX_QUORUM_SIZE))
                .withBootstrap(seed, peers);
    }

    /** TLS with the JDK's provider; client certificates required when tls.client.auth is on. */
    private io.grpc.netty.shaded.io.netty.handler.ssl.SslContext serverTls() throws IOException {
        java.io.File cert = new java.io.File(config.get(ConfigKeys.TLS_CERT));
        java.io.File key = new java.io.File(config.get(ConfigKeys.TLS_KEY));
        try {
            // The JDK's TLS everywhere: the jar leaves netty-tcnative's native builds out.
            var b = io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.configure(
                    io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(cert, key),
                    io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider.JDK);
            if (config.get(ConfigKeys.TLS_CLIENT_AUTH_ENABLED)) {
                String ca = config.get(ConfigKeys.TLS_CLIENT_AUTH_CA);
                if (ca != null) {
                    b.trustManager(new java.io.File(ca));
                }
                b.clientAuth(io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IOException("cannot use tls.cert " + cert + " and tls.key " + key + ": " + e.getMessage()
                    + " (the key must be PEM PKCS#8: 'openssl pkcs8 -topk8 -nocrypt')", e);
        }
    }

    private Connection connectNats() throws IOException {
        Options.Builder ob = new Options.Builder();
        if (config.get(ConfigKeys.NATS_USER) != null) {
            ob.userInfo(config.get(ConfigKeys.NATS_USER), config.get(ConfigKeys.NATS_PASSWORD));
        } else if (embedded != null && embedded.options().user() != null) {
            ob.userInfo(embedded.options().user(), embedded.options().password());
        } else if (embedded != null && embedded.options().token() != null) {
            ob.token(embedded.options().token().toCharArray());
        }
        if (config.get(ConfigKeys.NATS_TLS_CA) != null || config.get(ConfigKeys.NATS_TLS_CERT) != null) {
            ob.sslContext(lb.client.tls.Pem.sslContext(path(ConfigKeys.NATS_TLS_CA),
                    path(ConfigKeys.NATS_TLS_CERT), path(ConfigKeys.NATS_TLS_KEY)));
        }
        Options o = ob
                .servers(natsUrls.toArray(String[]::new))
                .connectionName("LIFT." + config.namespace() + "." + serverId + ".streams")
                .reconnectWait(Duration.ofMillis(250))
                .maxReconnects(-1)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        try {
            return Nats.connect(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to NATS", e);
        } catch (IOException e) {
            throw new IOException("cannot connect to NATS at " + String.join(", ", natsUrls) + ": "
                    + e.getMessage() + " (start nats-server there, or drop --nats-servers to use the "
                    + "embedded server)", e);
        }
    }

    private Path path(lb.broker.config.ConfigKey<String> key) {
        String v = config.get(key);
        return v == null ? null : Path.of(v);
    }

    private static void join(java.util.concurrent.CompletableFuture<?> f) throws IOException {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating internal streams", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("cannot create internal streams: " + e.getMessage(), e);
        }
    }

    private static io.liftbridge.proto.Api.AckPolicy ackPolicy(String name) {
        return switch (name.toLowerCase()) {
            case "all" -> io.liftbridge.proto.Api.AckPolicy.ALL;
            case "none" -> io.liftbridge.proto.Api.AckPolicy.NONE;
            default -> io.liftbridge.proto.Api.AckPolicy.LEADER;
        };
    }

    private int maxMessageBytes() {
        return (int) Math.min(Integer.MAX_VALUE, config.get(ConfigKeys.CLUSTERING_REPLICATION_MAX_BYTES));
    }

    /** What partitions need from this broker. */
    private final class Host implements PartitionHost {
        // Read per batch by every partition writer: looked up once (the config is immutable).
        private final int maxMessageBytes = BrokerServer.this.maxMessageBytes();
        private final int batchMaxMessages = config.get(ConfigKeys.BATCH_MAX_MESSAGES);

        @Override
        public String serverId() {
            return serverId;
        }

        @Override
        public Connection nats() {
            return nats;
        }

        @Override
        public io.nats.client.Dispatcher dispatcher(String stream, int id) {
            return dispatchers.forPartition(stream, id);
        }

        @Override
        public int maxMessageBytes() {
            return maxMessageBytes;
        }

        @Override
        public int batchMaxMessages() {
            return batchMaxMessages;
        }

        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }

        @Override
        public void requestAutoPause(String stream, int partition) {
            controller.pauseStream(stream, List.of(partition), false).whenComplete((r, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, "auto-pause of " + stream + "[" + partition + "] failed", e);
                }
            });
        }
    }

    public String serverId() {
        return serverId;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The port the gRPC server listens on (the configured one, or the one picked for port 0). */
    public int port() {
        return grpc.getPort();
    }

    /** NATS URLs the broker uses. */
    public List<String> natsUrls() {
        return List.copyOf(natsUrls);
    }

    /** The embedded NATS server, or null when the broker uses external NATS. */
    public EmbeddedNatsServer embeddedNats() {
        return embedded;
    }

    public BrokerConfig config() {
        return config;
    }

    /** Graceful shutdown: stop accepting, drain writers, checkpoint, close, leave NATS. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (health != null) {
            health.setStatus(APIGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
            health.enterTerminalState();
        }
        if (grpc != null) {
            grpc.shutdown();
            try {
                if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                    grpc.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                grpc.shutdownNow();
            }
        }
        if (activity != null) {
            activity.close();
        }
        if (groups != null) {
            groups.close();
        }
        if (api != null) {
            api.close();
        }
        if (metadataLog != null) {
            metadataLog.close();
        }
        if (partitions != null) {
            partitions.close();
        }
        if (dispatchers != null) {
            dispatchers.close();
        }
        if (nats != null) {
            try {
                nats.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (embedded != null) {
            embedded.close();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
