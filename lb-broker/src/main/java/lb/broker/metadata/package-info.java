/**
 * Cluster metadata as ordered commands applied by one thread to a state machine.
 *
 * <p><b>Front.</b> {@link lb.broker.metadata.MetadataController} is what the API layer calls:
 * it validates (wire-contract §3.2–3.5), decides (replication factor, replica placement and
 * leader choice by {@link lb.broker.metadata.ReplicaPlacer}, timestamps), and proposes a command
 * to a {@link lb.broker.metadata.CommandLog}. The log makes it durable and hands it, in order,
 * to {@link lb.broker.metadata.MetadataFsm} (a {@link lb.broker.metadata.CommandApplier}), whose
 * immutable {@link lb.broker.metadata.MetadataView} any thread can read. Errors carry a
 * Liftbridge status from the {@link lb.broker.metadata.MetadataError} catalog.
 *
 * <p><b>Consumer groups</b> (behavior.md §11) live in the same state: {@link lb.broker.metadata.GroupInfo}
 * (members, their streams and partitions, coordinator, epoch) in the {@link lb.broker.metadata.MetadataView},
 * changed by CREATE/JOIN/LEAVE_CONSUMER_GROUP and CHANGE_CONSUMER_GROUP_COORDINATOR and by stream
 * deletion; the assignment is computed by the FSM, so every server holds the same one and snapshots
 * carry it. {@link lb.broker.metadata.GroupCoordinator} enforces member liveness on the server that
 * coordinates a group; coordinator reports are counted by the controller.
 *
 * <p><b>Commands</b> are protobuf messages ({@code metadata.proto}, Java package
 * {@code lb.broker.metadata.proto}), encoded by {@link lb.broker.metadata.MetadataCommands}.
 * Snapshots are the same protobuf ({@code Snapshot}).
 *
 * <p><b>Threads.</b> One apply thread per log (for {@link lb.broker.metadata.LocalCommandLog}:
 * {@code lb-metadata-log}) runs apply, snapshot, restore and every
 * {@link lb.broker.metadata.MetadataListener} call, and completes proposal futures. Nothing in
 * this package takes a lock on the apply path; the only locks are LocalCommandLog's lifecycle
 * monitor (start/close) and its OS file lock. Never block the apply thread on a proposal.
 *
 * <p><b>Start-up.</b> {@link lb.broker.metadata.CommandLog#start} restores the snapshot and
 * replays later entries before returning, so listeners registered before {@code start} see
 * the replay ({@code onRestored}, then per-entry events) and those registered after it should
 * reconcile once from {@link lb.broker.metadata.MetadataFsm#view()}. The partition layer should
 * do the latter: build partitions from the view after start, then follow events (this avoids
 * upstream's replay tombstones, behavior.md §1.2).
 *
 * <p><b>Deliberate differences from upstream</b>: negative partitions and negative stream
 * settings are InvalidArgument (upstream crashes or accepts); encryption requests are
 * FailedPrecondition until encryption lands; partitions of one CreateStream spread over the
 * cluster (§15.27); broker loads are derived from the state, so they cannot drift (§15.26);
 * resume clears the persisted paused flag (§15.23); resumeAll is replicated and kept in
 * snapshots (§15.25); the read-only flag is part of the metadata every rebuilt partition reads
 * (§15.24).
 */
package lb.broker.metadata;
