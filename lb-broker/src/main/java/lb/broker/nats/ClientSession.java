package lb.broker.nats;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection: its parser, CONNECT options, subscriptions and outbound buffer.
 *
 * <p>Threads: the owning {@link IoLoop} reads, parses, handles every operation of this client,
 * runs its timers and closes it; {@code subs}, {@code opts}, the parser and the ping state are
 * touched only there. Any I/O thread may append a MSG to the outbound buffer (a publisher's
 * thread delivers straight into subscribers' buffers) and may flush it: {@link OutboundBuffer}
 * is thread-safe. The slow-consumer limit caps that buffer: a frame that would take it past
 * {@code maxPendingBytes} closes the connection instead, so memory never grows without bound.
 */
final class ClientSession implements ProtocolHandler {
    private static final System.Logger LOG = System.getLogger("lb.broker.nats");
    private static final byte[] PONG = "PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_RESPONDERS_HEADER = "NATS/1.0 503\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    final long cid;
    final IoLoop loop;
    final long[] touchEpoch;
    private final EmbeddedNatsServer server;
    private final SocketChannel channel;
    private final String remote;
    private final NatsServerOptions options;
    private final ProtocolParser parser;
    private final ConnectOptions opts = new ConnectOptions();
    private final HashMap<String, Subscription> subs = new HashMap<>();
    private boolean connectReceived;
    private volatile boolean headersEnabled;
    private volatile boolean echo = true;
    private final long createdNs;
    private long nextPingNs;
    private int pingsOut;

    private final OutboundBuffer out;
    private final AtomicBoolean closing = new AtomicBoolean();

    ClientSession(EmbeddedNatsServer server, IoLoop loop, SocketChannel channel, long cid, String remote, long nowNs) {
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.cid = cid;
        this.remote = remote;
        this.options = server.options();
        this.parser = new ProtocolParser(this, options.maxControlLineBytes(), options.maxPayloadBytes());
        this.touchEpoch = new long[server.ioThreadCount()];
        java.util.Arrays.fill(touchEpoch, -1);
        this.out = new OutboundBuffer(channel, loop, options.maxPendingBytes());
        this.createdNs = nowNs;
        this.nextPingNs = nowNs + options.pingInterval().toNanos();
    }

    /** On the owner thread, once registered: sends INFO. */
    void onRegistered(SelectionKey key) {
        out.attach(key);
        out.appendControl(server.infoLine(cid, remote));
        loop.touch(this);
    }

    String describe() {
        return "cid:" + cid + " " + remote + (opts.name.isEmpty() ? "" : " name:" + opts.name);
    }

    // ---- reading (owner thread) ----

    void onReadable() {
        ByteBuffer rb = loop.readBuffer;
        byte[] ra = loop.readArray;
        for (int round = 0; round < 4 && !closing.get(); round++) {
            rb.clear();
            int n;
            try {
                n = channel.read(rb);
            } catch (IOException e) {
                close("read failed: " + e.getMessage(), null);
                return;
            }
            if (n < 0) {
                close("client closed the connection", null);
                return;
            }
            if (n == 0) {
                return;
            }
            try {
                parser.parse(ra, 0, n);
            } catch (ProtocolException e) {
                close(e.getMessage(), e.clientError());
                return;
            } catch (RuntimeException e) {
                // A bug must cost this connection only, never the I/O thread and its other clients.
                server.internalErrors.incrementAndGet();
                LOG.log(Level.ERROR, "NATS " + describe() + ": internal error, closing the connection", e);
                close("internal error: " + e, null);
                return;
            } finally {
                loop.flushTouched();
            }
            if (n < ra.length) {
                return;
            }
        }
    }

    @Override
    public void beforeOp(boolean isConnect) throws ProtocolException {
        if (closing.get()) { // e.g. cut as a slow consumer by its own echo: parse no further
            throw new ProtocolException(null, "connection is closing");
        }
        if (!connectReceived && !isConnect && options.authRequired()) {
            throw new ProtocolException(ProtocolException.AUTH_VIOLATION, "operation before CONNECT while auth is required");
        }
    }

    @Override
    public void onConnect(byte[] buf, int off, int len) throws ProtocolException {
        try {
            opts.apply(buf, off, len);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException(null, e.getMessage());
        }
        if (options.authRequired() && !authenticated()) {
            throw new ProtocolException(ProtocolException.AUTH_VIOLATION, "authentication error");
        }
        if (opts.noResponders && !opts.headers) {
            throw new ProtocolException(ProtocolException.NO_RESPONDERS_NEEDS_HEADERS, "no_responders without headers");
        }
        connectReceived = true;
        headersEnabled = opts.headers;
        echo = opts.echo;
        parser.headersAllowed(opts.headers);
        if (opts.verbose) {
            sendControl(OK);
        }
    }

    private boolean authenticated() {
        if (options.token() != null) {
            return equal(options.token(), opts.authToken);
        }
        return equal(options.user(), opts.user) & equal(options.password(), opts.pass);
    }

    private static boolean equal(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void onPub(byte[] args, int subjectOff, int subjectLen, int replyOff, int replyLen,
                      byte[] payload, int payloadOff, int headerLen, int totalLen) {
        if (opts.pedantic && !Subjects.isValidLiteral(args, subjectOff, subjectLen)) {
            sendErr(ProtocolException.INVALID_PUB_SUBJECT); // nats-server still delivers it
        }
        if (opts.verbose) {
            sendControl(OK); // before any delivery to ourselves, in nats-server's order
        }
        MatchResult r = loop.cache.match(args, subjectOff, subjectLen);
        int delivered = 0;
        for (Subscription sub : r.plain) {
            delivered += deliver(sub, args, subjectOff, subjectLen, replyOff, replyLen, payload, payloadOff, headerLen, totalLen);
        }
        for (Subscription[] group : r.queueGroups) {
            int n = group.length;
            int start = loop.nextRandom(n);
            for (int k = 0; k < n; k++) {
                Subscription sub = group[(start + k) % n];
                if (deliver(sub, args, subjectOff, subjectLen, replyOff, replyLen, payload, payloadOff, headerLen, totalLen) == 1) {
                    delivered++;
                    break;
                }
            }
        }
        if (delivered == 0 && replyLen > 0 && opts.noResponders) {
            sendNoResponders(args, replyOff, replyLen);
        }
    }

    private int deliver(Subscription sub, byte[] args, int subjectOff, int subjectLen, int replyOff, int replyLen,
                        byte[] payload, int payloadOff, int headerLen, int totalLen) {
        ClientSession target = sub.client;
        if (target == this && !echo) {
            return 0;
        }
        int claim = sub.claim();
        if (claim == 0) {
            return 0;
        }
        boolean ok = target.enqueueMsg(args, subjectOff, subjectLen, replyOff, replyLen, sub.sidBytes,
                payload, payloadOff, headerLen, totalLen);
        if (claim == 2) {
            target.removeFromAnyThread(sub);
        }
        if (ok) {
            loop.touch(target);
        }
        return ok ? 1 : 0;
    }

    /** A request with no subscribers: answer its reply subject with a 503 status, as nats-server does. */
    private void sendNoResponders(byte[] args, int replyOff, int replyLen) {
        MatchResult r = server.trie().match(ProtocolParser.ascii(args, replyOff, replyOff + replyLen));
        for (Subscription sub : r.plain) {
            if (sub.client == this) {
                enqueueMsg(args, replyOff, replyLen, 0, 0, sub.sidBytes, NO_RESPONDERS_HEADER, 0,
                        NO_RESPONDERS_HEADER.length, NO_RESPONDERS_HEADER.length);
                loop.touch(this);
                return;
            }
        }
    }

    @Override
    public void onSub(String subject, String queue, String sid) {
        if (!Subjects.isValidSubscribe(subject) || (queue != null && !Subjects.isValidQueue(queue))) {
            sendErr(ProtocolException.INVALID_SUBJECT);
            return;
        }
        if (!subs.containsKey(sid) && !closing.get()) { // nats-server ignores a SUB that reuses a sid
            Subscription sub = new Subscription(this, subject, queue, sid);
            subs.put(sid, sub);
            server.trie().insert(sub);
        }
        if (opts.verbose) {
            sendControl(OK);
        }
    }

    @Override
    public void onUnsub(String sid, long max) {
        Subscription sub = subs.get(sid);
        if (sub != null) {
            if (max > 0 && max > sub.delivered()) {
                sub.maxMessages(max);
                if (sub.delivered() >= max) { // the last one raced in while we set the limit
                    removeOnOwner(sub);
                }
            } else {
                removeOnOwner(sub);
            }
        }
        if (opts.verbose) {
            sendControl(OK);
        }
    }

    private void removeOnOwner(Subscription sub) {
        sub.markRemoved();
        server.trie().remove(sub);
        subs.remove(sub.sid, sub);
    }

    /** Auto-unsubscribe after the last allowed message, possibly from a publisher's thread. */
    void removeFromAnyThread(Subscription sub) {
        sub.markRemoved();
        server.trie().remove(sub);
        loop.execute(() -> subs.remove(sub.sid, sub));
    }

    @Override
    public void onPing() {
        sendControl(PONG);
    }

    @Override
    public void onPong() {
        pingsOut = 0;
    }

    // ---- timers (owner thread) ----

    void onTick(long nowNs) {
        if (closing.get()) {
            return;
        }
        out.maybeShrink();
        if (!connectReceived && options.authRequired() && nowNs - createdNs >= options.authTimeout().toNanos()) {
            close("no CONNECT within the auth timeout", ProtocolException.AUTH_TIMEOUT);
            return;
        }
        if (nowNs - nextPingNs >= 0) {
            if (pingsOut >= options.maxPingsOut()) {
                close("stale connection: " + pingsOut + " PINGs unanswered", ProtocolException.STALE);
                return;
            }
            pingsOut++;
            nextPingNs = nowNs + options.pingInterval().toNanos();
            sendControl(PING);
        }
    }

    // ---- outbound (any thread) ----

    private void sendControl(byte[] line) {
        out.appendControl(line);
        loop.touch(this);
    }

    private void sendErr(String text) {
        sendControl(("-ERR '" + text + "'\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Appends {@code MSG subject sid [reply] size} or {@code HMSG ...} and the payload. A client
     * that did not ask for headers gets the payload without them, as nats-server does. Returns
     * false if the connection is closed or has just been cut as a slow consumer.
     */
    boolean enqueueMsg(byte[] args, int subjectOff, int subjectLen, int replyOff, int replyLen, byte[] sid,
                       byte[] payload, int payloadOff, int headerLen, int totalLen) {
        if (closing.get()) {
            return false;
        }
        boolean withHeaders = headerLen >= 0 && headersEnabled;
        if (headerLen >= 0 && !withHeaders) {
            payloadOff += headerLen;
            totalLen -= headerLen;
        }
        int result = out.appendMsg(args, subjectOff, subjectLen, replyOff, replyLen, sid, payload, payloadOff,
                withHeaders ? headerLen : -1, totalLen);
        if (result == OutboundBuffer.OVER_LIMIT) {
            if (close("slow consumer, " + out.pendingBytes() + " bytes pending (limit " + options.maxPendingBytes() + ")", null)) {
                server.slowConsumers.incrementAndGet();
            }
        }
        return result == OutboundBuffer.APPENDED;
    }

    /**
     * Writes what is buffered, without blocking. Called by {@code current}'s thread after it
     * handled a read (one write per drain), and by the owner when the socket becomes writable.
     * A partial write leaves the rest to the owner's OP_WRITE; while that is pending, other
     * threads do not try.
     */
    void flush(IoLoop current) {
        String failure = out.flush(current);
        if (failure != null) {
            close(failure, null);
        }
    }

    boolean hasPendingOutput() {
        return out.hasPending();
    }

    // ---- closing ----

    boolean isClosing() {
        return closing.get();
    }

    /**
     * Closes the connection, first queueing {@code -ERR 'clientError'} when not null. Safe from
     * any thread and idempotent; the socket is closed and the subscriptions removed on the
     * owner thread. Returns true for the call that started the close.
     */
    boolean close(String reason, String clientError) {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        if (clientError != null) {
            out.appendControl(("-ERR '" + clientError + "'\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        Level level = reason.startsWith("slow") ? Level.WARNING
                : clientError != null || reason.startsWith("internal") ? Level.INFO : Level.DEBUG;
        if (LOG.isLoggable(level)) {
            LOG.log(level, "NATS {0}: closing: {1}", describe(), reason);
        }
        if (loop.inLoop()) {
            finishClose();
        } else {
            loop.execute(this::finishClose);
        }
        return true;
    }

    /** Owner thread: last flush (best effort, non-blocking), close the socket, drop subscriptions. */
    void finishClose() {
        flush(loop);
        out.close();
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing is left to save on a socket we are discarding; record why it failed.
            LOG.log(Level.DEBUG, "NATS " + describe() + ": close failed", e);
        }
        for (Subscription sub : new ArrayList<>(subs.values())) {
            sub.markRemoved();
            server.trie().remove(sub);
        }
        subs.clear();
        loop.onClosed(this);
    }
}
