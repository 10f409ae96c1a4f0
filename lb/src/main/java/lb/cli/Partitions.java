package lb.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code -p 0,2,5-7}: a partition list; a usage error names the accepted forms. */
final class Partitions implements ITypeConverter<Partitions.Selection> {

    /** The parsed list (a wrapper: picocli would treat a bare int[] as a multi-value option). */
    record Selection(int[] ids) {
    }

    @Override
    public Selection convert(String value) {
        return new Selection(parse(value));
    }

    static int[] parse(String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String t = part.trim();
            try {
                int dash = t.indexOf('-', 1);
                if (dash > 0) {
                    int a = Integer.parseInt(t.substring(0, dash));
                    int b = Integer.parseInt(t.substring(dash + 1));
                    if (a < 0 || b < a) {
                        throw new NumberFormatException();
                    }
                    for (int i = a; i <= b; i++) {
                        out.add(i);
                    }
                } else {
                    int p = Integer.parseInt(t);
                    if (p < 0) {
                        throw new NumberFormatException();
                    }
                    out.add(p);
                }
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value
                        + "' is not a partition list: use N, N,M or N-M (e.g. 0,2,5-7)");
            }
        }
        return out.stream().mapToInt(Integer::intValue).distinct().toArray();
    }
}
