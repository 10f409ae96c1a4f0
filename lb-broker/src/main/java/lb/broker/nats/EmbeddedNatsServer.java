package lb.broker.nats;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A NATS server inside the broker process, speaking the client protocol that jnats, nats.js and
 * the {@code nats} CLI use, for the one-jar experience and for tests. See the package doc for the
 * protocol subset, threading model and lock order.
 *
 * <p>Use: {@code try (var nats = EmbeddedNatsServer.start(NatsServerOptions.defaults())) { ... nats.clientUrl() ... }}.
 * Thread-safe. {@link #close()} is graceful: it stops accepting, gives connections a moment to
 * take what is already buffered for them, closes them and joins every thread it started.
 */
public final class EmbeddedNatsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("lb.broker.nats");
    /** The nats-server protocol level we implement, as clients read it from INFO. */
    static final String VERSION = "2.9.0";

    private final NatsServerOptions options;
    private final String serverId;
    private final String serverName;
    private final SubjectTrie trie = new SubjectTrie();
    private final ServerSocketChannel acceptChannel;
    private final IoLoop[] loops;
    private final Thread acceptor;
    private final int port;
    private final AtomicLong nextCid = new AtomicLong(1);
    private final AtomicInteger connections = new AtomicInteger();
    final AtomicLong slowConsumers = new AtomicLong();
    /** Unexpected exceptions caught at a connection's edge (each closed that connection); 0 in a healthy server. */
    final AtomicLong internalErrors = new AtomicLong();
    private final String infoPrefix;
    private volatile boolean closed;

    private EmbeddedNatsServer(NatsServerOptions options, ServerSocketChannel acceptChannel) throws IOException {
        this.options = options;
        this.serverId = newServerId();
        this.serverName = options.serverName() != null ? options.serverName() : serverId;
        this.acceptChannel = acceptChannel;
        this.port = ((InetSocketAddress) acceptChannel.getLocalAddress()).getPort();
        long pingNs = options.pingInterval().toNanos();
        long authNs = options.authRequired() ? options.authTimeout().toNanos() : pingNs;
        // Timers (pings, auth timeout) are checked each tick: a tenth of the shortest period,
        // between 5 ms (tests with tiny intervals) and 1 s (the defaults are minutes).
        long tickNs = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.SECONDS.toNanos(1), Math.min(pingNs, authNs) / 10));
        this.loops = new IoLoop[options.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new IoLoop(this, i, trie, tickNs);
        }
        this.infoPrefix = "INFO {\"server_id\":\"" + serverId + "\",\"server_name\":\"" + jsonEscape(serverName)
                + "\",\"version\":\"" + VERSION + "\",\"proto\":1,\"host\":\"" + jsonEscape(options.host())
                + "\",\"port\":" + port + ",\"headers\":true"
                + (options.authRequired() ? ",\"auth_required\":true" : "")
                + ",\"max_payload\":" + options.maxPayloadBytes();
        this.acceptor = new Thread(this::acceptLoop, "lb-nats-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds {@code options.host():options.port()} and starts serving.
     *
     * @throws NatsPortInUseException if the address is taken (one-line message suggesting {@code --nats-servers})
     * @throws IOException if binding fails otherwise
     */
    public static EmbeddedNatsServer start(NatsServerOptions options) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        EmbeddedNatsServer server;
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            try {
                ch.bind(new InetSocketAddress(options.host(), options.port()), 1024);
            } catch (BindException e) {
                throw new NatsPortInUseException(options.host(), options.port(), e);
            }
            server = new EmbeddedNatsServer(options, ch);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        for (IoLoop loop : server.loops) {
            loop.start();
        }
        server.acceptor.start();
        LOG.log(Level.INFO, "embedded NATS server {0} listening on {1}:{2} ({3})",
                server.serverId, options.host(), String.valueOf(server.port), options);
        return server;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return port;
    }

    public String host() {
        return options.host();
    }

    /** {@code nats://host:port}, with a wildcard bind address replaced by 127.0.0.1. */
    public String clientUrl() {
        return "nats://" + NatsPortInUseException.urlHost(options.host()) + ":" + port;
    }

    public String serverId() {
        return serverId;
    }

    public NatsServerOptions options() {
        return options;
    }

    /** Client connections currently open. */
    public int connectionCount() {
        return connections.get();
    }

    /** Connections cut so far because their pending output passed the slow-consumer limit. */
    public long slowConsumerCount() {
        return slowConsumers.get();
    }

    /** Subscriptions currently registered, over all clients. */
    public int subscriptionCount() {
        return trie.count();
    }

    SubjectTrie trie() {
        return trie;
    }

    int ioThreadCount() {
        return loops.length;
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    byte[] infoLine(long cid, String remoteIp) {
        return (infoPrefix + ",\"client_id\":" + cid + ",\"client_ip\":\"" + jsonEscape(remoteIp) + "\"} \r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void acceptLoop() {
        int next = 0;
        while (!closed) {
            SocketChannel ch;
            try {
                ch = acceptChannel.accept();
            } catch (ClosedChannelException e) {
                return; // close() closed the channel: the normal way out
            } catch (IOException e) {
                // E.g. too many open files: keep serving the others and try again shortly,
                // instead of giving up accepting for good.
                LOG.log(Level.WARNING, "NATS accept failed; retrying in 50 ms", e);
                sleepQuietly(50);
                continue;
            }
            long cid = nextCid.getAndIncrement();
            String remote = "?";
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (ch.getRemoteAddress() instanceof InetSocketAddress a) {
                    remote = a.getAddress().getHostAddress();
                }
            } catch (IOException e) {
                LOG.log(Level.WARNING, "NATS cid:" + cid + ": could not set up an accepted connection", e);
                try {
                    ch.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                continue;
            }
            loops[next].adopt(ch, cid, remote);
            next = (next + 1) % loops.length;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops the server: no new connections, buffered output given up to half a second, then
     * every connection closed and every thread joined. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            acceptChannel.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "NATS: closing the listening socket failed", e);
        }
        boolean interrupted = false;
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (IoLoop loop : loops) {
            try {
                loop.stop();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.log(Level.INFO, "embedded NATS server {0} on port {1} stopped", serverId, String.valueOf(port));
    }

    private static String newServerId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder("N");
        for (int i = 0; i < 55; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
