package lb.cli.position;

import java.time.Instant;

/** Where a read ends (the second half of a RANGE). Immutable. */
public sealed interface Stop {

    /** No end: follow new messages until interrupted. */
    record Never() implements Stop {
        @Override
        public String toString() {
            return "(follow)";
        }
    }

    /** {@code end}: the newest message at the time the read starts (pinned). */
    record Latest() implements Stop {
        @Override
        public String toString() {
            return "end";
        }
    }

    /** {@code N}: stop after the message with this offset, inclusive. */
    record AtOffset(long offset) implements Stop {
        @Override
        public String toString() {
            return Long.toString(offset);
        }
    }

    /** {@code @TIME} (or a duration after a time start): the last message at or before an instant. */
    record AtTime(Instant time) implements Stop {
        @Override
        public String toString() {
            return "@" + time;
        }
    }
}
