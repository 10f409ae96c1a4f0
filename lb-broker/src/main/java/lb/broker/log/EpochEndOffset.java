package lb.broker.log;

/**
 * Answer to "where does leader epoch E end" (KIP-101): {@code epoch} is the largest cached epoch
 * ≤ the one asked about, {@code endOffset} the first offset after it (exclusive: the start
 * offset of the next epoch, or the log end offset for the latest epoch). Both are -1 when the
 * log knows no epoch ≤ the one asked about. A follower truncates to
 * {@code min(endOffset, own log end)} with {@link CommitLog#truncateTo}.
 */
public record EpochEndOffset(long epoch, long endOffset) {
}
