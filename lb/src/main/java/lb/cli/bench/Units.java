package lb.cli.bench;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parsers of counts (100k, 1M), sizes (256B, 1KiB, 1KB) and rates (50000/s, 50k/s). Stateless. */
final class Units {

    private static final Pattern NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");

    private Units() {
    }

    /** {@code 100}, {@code 100k}, {@code 1M}, {@code 2G} (powers of 1000). */
    static long count(String text) {
        Matcher m = NUMBER.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a count: use e.g. 100000, 100k, 1M");
        }
        double n = Double.parseDouble(m.group(1));
        long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> 1;
            case "k" -> 1_000;
            case "m" -> 1_000_000;
            case "g" -> 1_000_000_000;
            default -> throw new TypeConversionException("'" + text + "': unknown suffix '" + m.group(2)
                    + "' (use k, M or G)");
        };
        return Math.round(n * mult);
    }

    /** {@code 256}, {@code 256B}, {@code 1KB} (1000), {@code 1KiB} (1024), {@code 1MB}, {@code 1MiB}. */
    static int size(String text) {
        Matcher m = NUMBER.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size: use e.g. 256B, 1KiB, 1KB");
        }
        double n = Double.parseDouble(m.group(1));
        long mult = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "k", "kb" -> 1_000;
            case "kib" -> 1_024;
            case "m", "mb" -> 1_000_000;
            case "mib" -> 1_048_576;
            default -> throw new TypeConversionException("'" + text + "': unknown unit '" + m.group(2)
                    + "' (use B, KB, KiB, MB or MiB)");
        };
        long v = Math.round(n * mult);
        if (v > 64L * 1024 * 1024) {
            throw new TypeConversionException("'" + text + "' is larger than 64 MiB");
        }
        return (int) v;
    }

    /** {@code 50000}, {@code 50000/s}, {@code 50k/s}, {@code 1M/s}: messages per second. */
    static double rate(String text) {
        String t = text.trim();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2);
        }
        try {
            return count(t);
        } catch (TypeConversionException e) {
            throw new TypeConversionException("'" + text + "' is not a rate: use e.g. 50000/s or 50k/s");
        }
    }

    static final class CountConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return count(value);
        }
    }

    static final class SizeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return size(value);
        }
    }

    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            return rate(value);
        }
    }
}
