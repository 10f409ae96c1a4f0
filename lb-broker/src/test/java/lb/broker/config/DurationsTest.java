package lb.broker.config;

import lb.broker.log.SyncPolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @Test
    void parsesGoSyntax() {
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ZERO, Durations.parse("0s"));
        assertEquals(Duration.ofNanos(7), Durations.parse("7ns"));
        assertEquals(Duration.ofNanos(7_000), Durations.parse("7us"));
        assertEquals(Duration.ofNanos(7_000), Durations.parse("7µs"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofSeconds(15), Durations.parse("15s"));
        assertEquals(Duration.ofHours(168), Durations.parse("168h"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
        assertEquals(Duration.ofMinutes(165), Durations.parse("2h45m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1s500ms"));
        assertEquals(Duration.ofMillis(500), Durations.parse(".5s"));
        assertEquals(Duration.ofMinutes(1), Durations.parse(" 1m "));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "s", "1d", "-1s", "1 s", "1s2", "1.2.3s", "abc", "1e3s", "300000000h"})
    void refusesWhatGoRefusesOrWeDoNotAllow(String text) {
        assertNull(Durations.parse(text), text);
    }

    @Test
    void formatsCompactly() {
        assertEquals("168h", Durations.format(Duration.ofHours(168)));
        assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("7ns", Durations.format(Duration.ofNanos(7)));
    }

    @Test
    void syncPolicies() {
        assertEquals(SyncPolicy.ALWAYS, SyncPolicy.parse("always"));
        assertEquals(SyncPolicy.NONE, SyncPolicy.parse("none"));
        assertEquals(SyncPolicy.interval(20), SyncPolicy.parse("interval:20"));
        assertEquals("interval:20", SyncPolicy.parse("interval:20").toString());
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.parse("interval:"));
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.parse("interval:-5"));
        assertThrows(IllegalArgumentException.class, () -> SyncPolicy.parse("interval:x"));
        assertEquals(SyncPolicy.ALWAYS, SyncPolicy.parse("ALWAYS"));
    }
}
