/**
 * The commit log: segmented, indexed, crash-safe storage of one partition's records.
 * No NATS, no gRPC; a directory is all it needs.
 *
 * <p>The front is {@link lb.broker.log.CommitLog} (open, append, appendReplicated, read,
 * readBackward, offsetForTimestamp, HW, leader epochs, truncateTo, await*, clean, close,
 * delete) with the value types {@link lb.broker.log.LogRecord},
 * {@link lb.broker.log.Chunk}, {@link lb.broker.log.AppendResult},
 * {@link lb.broker.log.EpochEndOffset}, {@link lb.broker.log.LogSettings},
 * {@link lb.broker.log.SyncPolicy}, {@link lb.broker.log.LogCorruptionException}, and
 * {@link lb.broker.log.LogTasks}, the one background thread shared by all logs. Everything else
 * is package-private.
 *
 * <p>Lock order: {@code CommitLog.writeLock} may be held while taking
 * {@code Segment.openLock}, {@code CommitLog.hwLock}, {@code CommitLog.waitLock} or
 * {@code GroupCommit.lock}; none of those four is held while taking any other lock. Readers
 * take no lock except {@code Segment.openLock} the first time they touch a sealed segment, and
 * the group-commit fsync runs holding none.
 */
package lb.broker.log;
