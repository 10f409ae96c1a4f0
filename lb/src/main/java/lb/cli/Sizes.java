package lb.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Byte sizes on the command line: {@code 1024}, {@code 512B}, {@code 64KiB}, {@code 10MB}, {@code 1GiB}. */
final class Sizes implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?i?b?)", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size: use a number and an optional "
                    + "unit B, KB, KiB, MB, MiB, GB, GiB, TB, TiB (e.g. 512B, 64KiB, 10GB)");
        }
        long n = Long.parseLong(m.group(1));
        String u = m.group(2).toLowerCase(Locale.ROOT);
        boolean binary = u.contains("i");
        long base = binary ? 1024 : 1000;
        int exp = u.isEmpty() ? 0 : switch (u.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        long r = n;
        for (int i = 0; i < exp; i++) {
            r = Math.multiplyExact(r, base);
        }
        return r;
    }

    /** {@code 1.5 MiB}-style text for people. */
    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (bytes >= 1024 && i < units.length - 1) {
            bytes /= 1024;
            i++;
        }
        return i == 0 ? String.format("%.0f %s", bytes, units[i]) : String.format("%.1f %s", bytes, units[i]);
    }
}
