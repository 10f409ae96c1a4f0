package lb.broker.partition;

import io.liftbridge.proto.Api;
import java.io.IOException;

/**
 * Resolves a SubscribeRequest's start and stop positions against a partition, once, at subscribe
 * time (wire-contract §6.2, §6.4), with upstream's validation statuses.
 *
 * <p>One deliberate difference: a start offset beyond the high watermark is honoured exactly
 * (the reader waits for that offset) instead of upstream's "deliver from HW + 1" (§6.3).
 *
 * @param start first offset to deliver (≥ 0)
 * @param stop last offset to deliver, or -1 for none
 */
public record SubscribeRange(long start, long stop) {

    /**
     * @throws PartitionException with the Liftbridge status of the failed check
     */
    public static SubscribeRange resolve(Partition p, Api.SubscribeRequest req) {
        long newest = p.newestOffset();
        long oldest = p.oldestOffset();
        boolean empty = newest < 0;
        long start = switch (req.getStartPositionValue()) {
            case Api.StartPosition.NEW_ONLY_VALUE -> newest + 1;
            case Api.StartPosition.OFFSET_VALUE -> req.getStartOffset();
            case Api.StartPosition.EARLIEST_VALUE -> empty ? 0 : oldest;
            case Api.StartPosition.LATEST_VALUE -> empty ? 0 : newest;
            case Api.StartPosition.TIMESTAMP_VALUE -> {
                if (empty) {
                    yield 0;
                }
                try {
                    yield p.offsetForTimestamp(req.getStartTimestamp());
                } catch (IOException | RuntimeException e) {
                    throw PartitionError.TIMESTAMP_LOOKUP_FAILED.exception(e.getMessage());
                }
            }
            default -> throw PartitionError.UNKNOWN_START_POSITION.exception(req.getStartPositionValue());
        };
        start = Math.max(0, start);

        long stop = switch (req.getStopPositionValue()) {
            case Api.StopPosition.STOP_ON_CANCEL_VALUE -> p.isReadonly() ? newest : -1;
            case Api.StopPosition.STOP_OFFSET_VALUE -> req.getStopOffset();
            case Api.StopPosition.STOP_LATEST_VALUE -> {
                if (empty) {
                    throw PartitionError.STREAM_EMPTY.exception();
                }
                yield newest;
            }
            case Api.StopPosition.STOP_TIMESTAMP_VALUE -> {
                if (empty) {
                    throw PartitionError.TIMESTAMP_LOOKUP_FAILED.exception("partition is empty");
                }
                long after;
                try {
                    // The last offset with timestamp ≤ T is just before the first with ts > T.
                    after = p.offsetForTimestamp(req.getStopTimestamp() == Long.MAX_VALUE
                            ? Long.MAX_VALUE : req.getStopTimestamp() + 1);
                } catch (IOException | RuntimeException e) {
                    throw PartitionError.TIMESTAMP_LOOKUP_FAILED.exception(e.getMessage());
                }
                if (after <= oldest) {
                    throw PartitionError.TIMESTAMP_LOOKUP_FAILED.exception(
                            "no message at or before " + req.getStopTimestamp());
                }
                yield after - 1;
            }
            default -> throw PartitionError.UNKNOWN_STOP_POSITION.exception(req.getStopPositionValue());
        };
        if (stop != -1 && stop < start) {
            throw PartitionError.STOP_BEFORE_START.exception(stop, start);
        }
        return new SubscribeRange(start, stop);
    }
}
