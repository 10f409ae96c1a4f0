package lb.broker.api;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Consumer-group fencing of subscriptions on this server (wire-contract §3.6 rows 7/7b,
 * behavior.md §11.4): at most one subscription per (group, stream, partition). A new one whose
 * group epoch is at least the holder's replaces it (the holder's stream ends with OK); a lower
 * epoch is refused with FailedPrecondition {@code Consumer is not currently assigned this
 * partition}. Like upstream, nothing checks the coordinator's assignment itself.
 *
 * <p>Thread-safe: one ReentrantLock (callers are virtual threads, which a monitor would pin),
 * held only for map updates and the holder's non-blocking {@link Holder#replaced()} signal.
 */
final class GroupSubscriptions {

    /** A subscription that can be fenced. */
    interface Holder {
        long epoch();

        /** Asks the subscription to end with OK soon; must not block. */
        void replaced();
    }

    private record Key(String group, String stream, int partition) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. */
    private final Map<Key, Holder> holders = new HashMap<>();

    /** Registers {@code h}, replacing an older-or-equal holder; throws the row-7 status otherwise. */
    void acquire(String group, String stream, int partition, Holder h) {
        Key k = new Key(group, stream, partition);
        lock.lock();
        try {
            Holder existing = holders.get(k);
            if (existing != null && existing.epoch() > h.epoch()) {
                throw ApiError.NOT_ASSIGNED.exception();
            }
            if (existing != null) {
                existing.replaced();
            }
            holders.put(k, h);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets {@code h} if it still holds the partition. */
    void release(String group, String stream, int partition, Holder h) {
        lock.lock();
        try {
            holders.remove(new Key(group, stream, partition), h);
        } finally {
            lock.unlock();
        }
    }
}
