package lb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class UnitsTest {

    @Test
    void countsTakeDecimalSuffixes() {
        assertEquals(100, Units.count("100"));
        assertEquals(100_000, Units.count("100k"));
        assertEquals(1_000_000, Units.count("1M"));
        assertEquals(1_500_000, Units.count("1.5m"));
        assertThrows(TypeConversionException.class, () -> Units.count("ten"));
        assertThrows(TypeConversionException.class, () -> Units.count("5x"));
    }

    @Test
    void sizesTellDecimalFromBinaryUnits() {
        assertEquals(256, Units.size("256"));
        assertEquals(512, Units.size("512B"));
        assertEquals(1_000, Units.size("1KB"));
        assertEquals(1_024, Units.size("1KiB"));
        assertEquals(1_048_576, Units.size("1MiB"));
        assertThrows(TypeConversionException.class, () -> Units.size("1GiB"));
        assertThrows(TypeConversionException.class, () -> Units.size("-1"));
    }

    @Test
    void ratesAcceptPerSecond() {
        assertEquals(50_000.0, Units.rate("50000/s"));
        assertEquals(50_000.0, Units.rate("50k/s"));
        assertEquals(2_000.0, Units.rate("2000"));
        assertThrows(TypeConversionException.class, () -> Units.rate("fast/s"));
    }
}
