package lb.broker.metadata;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand. */
final class TestClock extends Clock {
    private Instant now;

    TestClock(long epochSecond) {
        this.now = Instant.ofEpochSecond(epochSecond);
    }

    void advanceMs(long ms) {
        now = now.plusMillis(ms);
    }

    long nowNs() {
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
