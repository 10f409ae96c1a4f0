/**
 * The embedded NATS server: a NATS client-protocol server inside the broker process, so that
 * one jar runs lb without an external nats-server (Liftbridge's {@code --embedded-nats}), and
 * so that tests have NATS at hand. Production clusters point at real nats-server nodes; the
 * broker must behave the same on both, and {@code NatsCompatibilitySuite} runs the same checks
 * against both.
 *
 * <h2>Front</h2>
 * {@link lb.broker.nats.EmbeddedNatsServer#start(NatsServerOptions)} binds and serves;
 * {@link lb.broker.nats.EmbeddedNatsServer#port()}, {@code clientUrl()}, {@code close()}
 * (graceful), {@code connectionCount()}, {@code subscriptionCount()}, {@code slowConsumerCount()}.
 * {@link lb.broker.nats.NatsServerOptions} holds every setting with nats-server's defaults;
 * {@link lb.broker.nats.NatsServerOptions#fromNatsConfig} presets them from a nats-server config
 * file (Liftbridge's {@code nats.embedded.config}). A taken port raises
 * {@link lb.broker.nats.NatsPortInUseException}, whose message is one line suggesting
 * {@code --nats-servers nats://HOST:PORT}. Everything else is package-private. Logs go to the
 * {@code System.Logger} named {@code lb.broker.nats} (protocol errors at INFO, slow consumers at
 * WARNING), which is what Liftbridge's {@code logging.nats} switch would turn on or off.
 *
 * <h2>Protocol</h2>
 * INFO, CONNECT (verbose, pedantic, echo, headers, no_responders, name, lang, version,
 * user/pass, auth_token), PUB, HPUB, SUB (with queue group), UNSUB (with max), MSG, HMSG,
 * PING/PONG, +OK/-ERR. Error texts and when the connection closes follow nats-server 2.9 (checked
 * byte for byte by the suite): e.g. {@code -ERR 'Unknown Protocol Operation'} then close for
 * garbage or a payload of the wrong size, a silent close for malformed arguments, {@code -ERR
 * 'Invalid Subject'} and carry on for a bad SUB subject. Not implemented (nats-server features
 * lb does not use): TLS, clustering/routes, gateways, leaf nodes, JetStream, accounts, NKEY/JWT
 * auth, permissions, monitoring endpoints.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li>{@code lb-nats-accept}: blocking accept; hands each socket to an I/O thread, round robin.
 * An accept error (e.g. too many open files) is logged and retried, never fatal.</li>
 * <li>{@code lb-nats-io-N} ({@link lb.broker.nats.NatsServerOptions#ioThreads()}, default 1,
 * or 2 with 4+ cores): one {@link java.nio.channels.Selector} each. A connection belongs to one
 * I/O thread for its life: that thread reads it, parses, handles SUB/UNSUB/CONNECT, runs its
 * ping and auth timers and closes it. A PUB is delivered by the publisher's thread straight into
 * each subscriber's outbound buffer, whichever thread owns the subscriber; after each read the
 * thread flushes every connection it touched, one write each. A partial write hands the rest to
 * the owner's OP_WRITE.</li>
 * </ul>
 * Other threads reach an I/O thread only through its task queue ({@code IoLoop.execute}).
 *
 * <h2>Locks and their order</h2>
 * <ol>
 * <li>{@code SubjectTrie} read/write lock: taken alone, never while holding another lock; a
 * match returns an immutable snapshot and releases it before any delivery.</li>
 * <li>{@code OutboundBuffer.lock} (one per connection): guards the outbound bytes, the socket
 * write and the OP_WRITE interest. Held only for an append or one non-blocking write; no other
 * lock is taken while it is held.</li>
 * </ol>
 * Because neither lock is ever held while taking the other, there is no lock-order cycle.
 * Subscription delivery counts are atomics; per-thread state (read buffer, match cache, touched
 * list) needs no lock.
 *
 * <h2>Memory</h2>
 * One 256 KiB read buffer per I/O thread (the parser copies only frames that straddle two reads,
 * into per-connection scratch arrays bounded by max control line and max_payload); each
 * connection's outbound buffer is bounded by max pending bytes (the slow-consumer limit, default
 * 64 MiB), beyond which the connection is closed and logged; a buffer above 1 MiB is released
 * when it drains.
 */
package lb.broker.nats;
