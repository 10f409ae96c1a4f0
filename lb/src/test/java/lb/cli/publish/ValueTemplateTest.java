package lb.cli.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ValueTemplateTest {

    static final Instant NOW = Instant.parse("2025-03-02T10:14:07Z");

    @Test
    void fillsInEachPlaceholder() {
        assertEquals("msg 7 at 2025-03-02T10:14:07.000Z", ValueTemplate.parse("msg {{n}} at {{ time }}").expand(7, NOW));
        assertEquals("1740910447 1740910447000 1740910447000000000",
                ValueTemplate.parse("{{unix}} {{UNIX_MS}} {{unix_nano}}").expand(1, NOW));
        assertEquals("3", ValueTemplate.parse("{{count}}").expand(3, NOW));
        assertEquals(36, ValueTemplate.parse("{{uuid}}").expand(1, NOW).length());
        for (int i = 0; i < 200; i++) {
            long r = Long.parseLong(ValueTemplate.parse("{{random 1 6}}").expand(1, NOW));
            assertTrue(r >= 1 && r <= 6, "random " + r);
        }
        assertTrue(ValueTemplate.parse("plain {text}").constant());
        assertEquals("plain {text}", ValueTemplate.parse("plain {text}").expand(1, NOW));
        assertEquals("", ValueTemplate.parse("").expand(1, NOW));
    }

    @Test
    void rejectsUnknownOrMalformedPlaceholders() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValueTemplate.parse("{{nope}}")).getMessage()
                .contains("known: {{n}}"));
        assertThrows(IllegalArgumentException.class, () -> ValueTemplate.parse("{{n"));
        assertThrows(IllegalArgumentException.class, () -> ValueTemplate.parse("{{random 6 1}}"));
        assertThrows(IllegalArgumentException.class, () -> ValueTemplate.parse("{{random x}}"));
        assertThrows(IllegalArgumentException.class, () -> ValueTemplate.parse("{{n 1}}"));
    }

    @Test
    void parsesRates() {
        assertEquals(200, Rate.parse("200/s").perSecond());
        assertEquals(200, Rate.parse("200").perSecond());
        assertEquals(5000, Rate.parse("5/ms").perSecond());
        assertEquals(1, Rate.parse("60/m").perSecond());
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("0/s"));
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("fast"));
    }
}
