package lb.broker.log;

/**
 * Result of an append: the offsets given to the batch ({@code firstOffset..lastOffset},
 * consecutive for leader appends; the records' own offsets for replicated appends).
 */
public record AppendResult(long firstOffset, long lastOffset, int count) {
}
