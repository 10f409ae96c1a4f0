package lb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.io.PrintWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MeasurementTest {

    @Test
    void tokensRoundTrip() {
        long t = Measurement.token(3, 123_456_789L);
        assertEquals(3, Measurement.client(t));
        assertEquals(123_456_789L, Measurement.seq(t));
    }

    @Test
    void aSecondSightingIsADuplicateAndCountsNothingElse() {
        Measurement m = new Measurement(2, 1);
        m.start();
        m.record(Measurement.token(0, 0), 1_000, 10);
        m.record(Measurement.token(0, 1), 2_000, 10);
        m.record(Measurement.token(1, 0), 3_000, 10);
        m.record(Measurement.token(0, 1), 4_000, 10);
        assertEquals(3, m.count());
        assertEquals(1, m.duplicates());
        assertEquals(30, m.bytes());
        assertEquals(3, m.total().getTotalCount());
        assertEquals(3_000, m.total().getMaxValue(), 3);
    }

    @Test
    void anOffsetAcknowledgedTwiceIsCounted() {
        Measurement m = new Measurement(1, 2);
        m.ackedOffset(0, 5);
        m.ackedOffset(1, 5);
        m.ackedOffset(0, 5);
        m.ackedOffset(0, -1); // not acknowledged with an offset (ack policy none)
        assertEquals(1, m.duplicateOffsets());
    }

    @Test
    void theReportFlagsMissingMessages() {
        Measurement m = new Measurement(1, 1);
        m.start();
        m.record(Measurement.token(0, 0), 1_000, 8);
        m.sent = 2;
        Report r = Report.of(settings("pub", "leader"), "lb", m);
        assertEquals(false, r.fields().get("complete"));
        assertEquals(1L, r.fields().get("missing"));
        assertTrue(r.text().contains("INCOMPLETE: 1 missing"), r.text());
        assertEquals(false, r.complete());
        m.record(Measurement.token(0, 1), 1_000, 8);
        Report ok = Report.of(settings("pub", "leader"), "lb", m);
        assertTrue(ok.complete());
        assertTrue(ok.json().contains("\"complete\":true"), ok.json());
        assertEquals(Report.CSV_COLUMNS.size(), ok.csvRow().split(",", -1).length);
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) ok.fields().get("latency_us");
        assertEquals(1.0, (Double) lat.get("p50"), 0.01);
    }

    @Test
    void sharesAddUpAndRingsHoldTheWindow() {
        long sum = 0;
        for (int i = 0; i < 3; i++) {
            sum += Workloads.share(100, 3, i);
        }
        assertEquals(100, sum);
        assertEquals(Long.MAX_VALUE, Workloads.share(0, 3, 1));
        for (int w : List.of(1, 100, 1000, 70_000)) {
            int ring = Workloads.ringSize(10, w);
            assertEquals(0, ring & (ring - 1), "power of two");
            assertTrue(ring >= 2 * w, ring + " < 2 x " + w);
        }
        assertEquals(1 << 20, Workloads.ringSize(Long.MAX_VALUE, 100));
    }

    static Workloads.Settings settings(String workload, String ack) {
        return new Workloads.Settings(workload, "s", 1, 1, 2, null, 8, 10, 0, null,
                Duration.ofSeconds(1), ack, "grpc", (PrintWriter) null);
    }
}
