/**
 * Raft consensus over opaque commands; knows nothing of streams.
 *
 * <p>Front: {@link lb.broker.raft.RaftServer} (a running server: propose, linearizable read, membership
 * changes, graceful close) with a {@link lb.broker.raft.StateMachine} (apply with index, snapshot,
 * restore — one to one with the broker's {@code CommandApplier}), a {@link lb.broker.raft.RaftTransport}
 * ({@link lb.broker.raft.NatsTransport} in production) and a {@link lb.broker.raft.RaftConfig}.
 * The protocol itself is {@link lb.broker.raft.RaftNode}, a deterministic state machine without
 * threads or clock, so that the tests can drive it from a seeded simulation; its durable state is
 * {@link lb.broker.raft.RaftStorage} over a {@link lb.broker.raft.Disk}.
 *
 * <p>Threads: per server, {@code lb-raft-<id>} owns the node, its storage and the state machine;
 * {@code lb-raft-<id>-callbacks} completes callers' futures; the transport's (jnats dispatcher) thread
 * only decodes and queues. No locks are shared between them: they communicate through the node's
 * bounded queue and volatile published state.
 *
 * <p>On disk ({@code dir} given to RaftServer): {@code state} (term, vote, recovering flag),
 * {@code log} (checksummed entries), {@code snapshot} (checksummed); formats in RaftStorage.
 */
package lb.broker.raft;
