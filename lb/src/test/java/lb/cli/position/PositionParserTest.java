package lb.cli.position;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PositionParserTest {

    private static final Instant NOW = Instant.parse("2025-03-02T10:00:00Z");
    private final PositionParser parser = new PositionParser(Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @CsvSource({
        "earliest, earliest", "start, earliest", "beginning, earliest",
        "end, end", "new, end", "last, last",
        "0, 0", "42, 42", "-10, -10", "+5, +5",
        "@1740909600000, @2025-03-02T10:00:00Z",
        "@1740909600, @2025-03-02T10:00:00Z",
        "@2025-03-01, @2025-03-01T00:00:00Z",
        "@2025-03-01T10:14:07.123Z, @2025-03-01T10:14:07.123Z",
        "@2025-03-01T12:00:00+02:00, @2025-03-01T10:00:00Z",
        "@-2h, @2025-03-02T08:00:00Z",
        "@+30m, @2025-03-02T10:30:00Z",
        "@-1h30m, @2025-03-02T08:30:00Z",
    })
    void parsesEveryPositionForm(String text, String expected) {
        assertEquals(expected, parser.parsePosition(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "soon", "-", "+", "1.5", "@", "@yesterday", "@12345",
        "@2025-13-01", "-2h", "99999999999999999999", "0x10", "@-2x", "earliest:"})
    void refusesEverythingElseNamingTheAcceptedForms(String text) {
        PositionException e = assertThrows(PositionException.class, () -> parser.parsePosition(text));
        assertTrue(e.getMessage().startsWith("invalid position '" + text + "': expected earliest"),
                e.getMessage());
        assertTrue(e.getMessage().contains("@-2h"), e.getMessage());
    }

    @Test
    void parsesRanges() {
        Position earliest = new Position.Earliest();
        Stop latest = new Stop.Latest();
        assertEquals(new Range(new Position.Offset(10), new Stop.AtOffset(20)),
                parser.parseRange("10:20", earliest, latest));
        assertEquals(new Range(earliest, new Stop.AtOffset(20)),
                parser.parseRange(":20", earliest, latest));
        assertEquals(new Range(new Position.Offset(10), new Stop.Never()),
                parser.parseRange("10:", earliest, latest));
        assertEquals(new Range(new Position.Offset(10), latest),
                parser.parseRange("10", earliest, latest), "no colon: the default stop");
        assertEquals(new Range(new Position.BeforeEnd(100), new Stop.Latest()),
                parser.parseRange("-100:end", earliest, new Stop.Never()));
    }

    @Test
    void rangesAcceptRfc3339TimesWithColonsOnBothSides() {
        Range r = parser.parseRange("@2025-03-01T10:00:00Z:@2025-03-01T11:30:00Z",
                new Position.Earliest(), new Stop.Never());
        assertEquals(new Position.AtTime(Instant.parse("2025-03-01T10:00:00Z")), r.from());
        assertEquals(new Stop.AtTime(Instant.parse("2025-03-01T11:30:00Z")), r.to());
    }

    @Test
    void aDurationAfterATimeStartIsRelativeToIt() {
        Range r = parser.parseRange("@2025-03-01:1h", new Position.Earliest(), new Stop.Never());
        assertEquals(new Stop.AtTime(Instant.parse("2025-03-01T01:00:00Z")), r.to());
        Range r2 = parser.parseRange("@2025-03-01T10:00:00Z:90m", new Position.Earliest(),
                new Stop.Never());
        assertEquals(new Stop.AtTime(Instant.parse("2025-03-01T11:30:00Z")), r2.to());
    }

    @Test
    void aDurationAfterAnOffsetStartIsRefused() {
        PositionException e = assertThrows(PositionException.class,
                () -> parser.parseRange("10:1h", new Position.Earliest(), new Stop.Never()));
        assertTrue(e.getMessage().startsWith("invalid range '10:1h'"), e.getMessage());
    }

    @Test
    void parsesStops() {
        assertEquals(new Stop.Latest(), parser.parseStop("end"));
        assertEquals(new Stop.AtOffset(7), parser.parseStop("7"));
        assertEquals(new Stop.AtTime(NOW.minus(Duration.ofDays(1))), parser.parseStop("@-1d"));
        assertThrows(PositionException.class, () -> parser.parseStop("-7"));
    }

    @Test
    void parsesDurations() {
        assertEquals(Duration.ofMillis(250), PositionParser.tryDuration("250ms"));
        assertEquals(Duration.ofMinutes(90), PositionParser.tryDuration("1.5h"));
        assertEquals(Duration.ofDays(14).plusHours(3), PositionParser.tryDuration("2w3h"));
        assertNull(PositionParser.tryDuration("5"));
        assertNull(PositionParser.tryDuration("h"));
        assertNull(PositionParser.tryDuration("5h "));
        assertNull(PositionParser.tryDuration("99999999999w"));
    }
}
