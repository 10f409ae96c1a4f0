package lb.cli.position;

import java.time.Instant;

/**
 * Where a read starts (CLI.md "Positions"), before it is resolved against a partition.
 * Immutable.
 */
public sealed interface Position {

    /** {@code earliest | start | beginning}: the first retained message. */
    record Earliest() implements Position {
        @Override
        public String toString() {
            return "earliest";
        }
    }

    /** {@code end | new}: only messages that arrive after the read starts. */
    record End() implements Position {
        @Override
        public String toString() {
            return "end";
        }
    }

    /** {@code last}: the newest existing message, inclusive (Liftbridge's LATEST). */
    record Last() implements Position {
        @Override
        public String toString() {
            return "last";
        }
    }

    /** {@code N}: an absolute offset. */
    record Offset(long offset) implements Position {
        public Offset {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be >= 0, got " + offset);
            }
        }

        @Override
        public String toString() {
            return Long.toString(offset);
        }
    }

    /** {@code -N}: N messages before the end of each partition. */
    record BeforeEnd(long count) implements Position {
        @Override
        public String toString() {
            return "-" + count;
        }
    }

    /** {@code +N}: N messages after the first retained message of each partition. */
    record AfterStart(long count) implements Position {
        @Override
        public String toString() {
            return "+" + count;
        }
    }

    /** {@code @TIME}: the first message at or after an instant. */
    record AtTime(Instant time) implements Position {
        @Override
        public String toString() {
            return "@" + time;
        }
    }
}
