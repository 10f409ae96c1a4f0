package lb.broker.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Shared helpers for the log tests: a settable clock, record factories, full reads. */
final class TestSupport {

    private TestSupport() {
    }

    /** A clock the test moves by hand. */
    static final class TestClock extends Clock {
        final AtomicLong ms = new AtomicLong(System.currentTimeMillis());

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
            return Instant.ofEpochMilli(ms.get());
        }

        @Override
        public long millis() {
            return ms.get();
        }

        void advance(long deltaMs) {
            ms.addAndGet(deltaMs);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static LogRecord record(long ts, String key, String value) {
        return LogRecord.of(ts, 1, key == null ? null : utf8(key), utf8(value),
                Map.of("subject", utf8("orders")), "orders", "");
    }

    /** A random record: null, empty or small-space keys; sometimes headers and ack fields. */
    static LogRecord randomRecord(Random rnd, long ts, long epoch) {
        int k = rnd.nextInt(10);
        byte[] key = k == 0 ? null : k == 1 ? new byte[0] : utf8("k" + rnd.nextInt(12));
        byte[] value;
        int v = rnd.nextInt(20);
        if (v == 0) {
            value = null;
        } else {
            value = new byte[rnd.nextInt(v == 1 ? 600 : 80)];
            rnd.nextBytes(value);
        }
        Map<String, byte[]> headers = rnd.nextBoolean() ? Map.of()
                : Map.of("subject", utf8("s" + rnd.nextInt(3)), "reply", new byte[0],
                        "h\u00e9", utf8("x"));
        String inbox = rnd.nextInt(4) == 0 ? "_INBOX." + rnd.nextInt(1000) : "";
        return new LogRecord(LogRecord.UNASSIGNED, ts, epoch, key, value, headers,
                "s" + rnd.nextInt(3), rnd.nextBoolean() ? "" : "reply.x", inbox,
                inbox.isEmpty() ? "" : "corr-" + rnd.nextInt(), rnd.nextInt(3));
    }

    /** Every record from {@code from} to the log end, by forward chunk reads. */
    static List<LogRecord> readAll(CommitLog log, long from, int maxBytes) throws IOException {
        List<LogRecord> out = new ArrayList<>();
        long next = from;
        while (true) {
            Chunk c = log.read(next, maxBytes, Long.MAX_VALUE);
            if (c.isEmpty()) {
                return out;
            }
            out.addAll(c.records());
            next = c.lastOffset() + 1;
        }
    }

    static LogSettings small() {
        return LogSettings.defaults().withSegmentMaxBytes(4096).withIndexIntervalBytes(256)
                .withSync(SyncPolicy.NONE);
    }
}
