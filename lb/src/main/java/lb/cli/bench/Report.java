package lb.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.json.JsonMapper;

/**
 * The summary of one bench run: throughput (msg/s, MB/s with MB = 10^6 bytes), latency in
 * microseconds from the HDR histogram (min, avg, stddev, p50, p90, p95, p99, p99.9, p99.99, max),
 * per-client rates and the completeness check. Rendered as text (Kafka's perf-test one-liner
 * and nats bench's latency table), as one JSON object, or as a CSV row.
 *
 * <p>Immutable once built; used by the command's thread.
 */
final class Report {

    static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Column order of the CSV output; also its header line. */
    static final List<String> CSV_COLUMNS = List.of("workload", "target", "path", "stream", "clients",
            "partitions", "size", "window", "ack", "rate", "messages", "seconds", "msgs_per_sec",
            "mb_per_sec", "lat_min_us", "lat_avg_us", "lat_p50_us", "lat_p90_us", "lat_p99_us",
            "lat_p999_us", "lat_max_us", "complete", "missing", "duplicates", "errors");

    private final Map<String, Object> fields;

    private Report(Map<String, Object> fields) {
        this.fields = fields;
    }

    static Report of(Workloads.Settings s, String target, Measurement m) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("workload", s.workload());
        f.put("target", target);
        f.put("path", target.equals("lb") && !s.workload().equals("sub") && !s.workload().equals("rtt")
                ? s.path() : "");
        f.put("stream", s.stream());
        f.put("clients", s.workload().equals("sub") ? s.partitions() : s.clients());
        f.put("partitions", s.partitions());
        f.put("size", s.size());
        f.put("window", s.window());
        f.put("ack", target.equals("lb") ? s.ack() : "");
        f.put("rate", s.paced() ? s.rate() : 0.0);
        long count = m.count();
        double seconds = m.elapsedNs() / 1e9;
        f.put("messages", count);
        f.put("seconds", round(seconds, 3));
        f.put("msgs_per_sec", round(count / seconds, 1));
        f.put("mb_per_sec", round(m.bytes() / seconds / 1e6, 2));
        long cpu = m.cpuNs();
        f.put("client_cpu_us_per_msg", cpu < 0 || count == 0 ? -1.0 : round(cpu / 1000.0 / count, 2));
        Histogram h = m.total();
        Map<String, Object> lat = new LinkedHashMap<>();
        if (h.getTotalCount() > 0) {
            lat.put("min", micros(h.getMinValue()));
            lat.put("avg", round(h.getMean() / 1000.0, 1));
            lat.put("stddev", round(h.getStdDeviation() / 1000.0, 1));
            for (double[] q : new double[][] {{50, 0}, {90, 0}, {95, 0}, {99, 0}, {99.9, 0}, {99.99, 0}}) {
                lat.put(pName(q[0]), micros(h.getValueAtPercentile(q[0])));
            }
            lat.put("max", micros(h.getMaxValue()));
        }
        f.put("latency_us", lat);
        f.put("latency_from_scheduled_send", s.paced());
        List<Double> per = new ArrayList<>();
        for (int i = 0; i < m.clients(); i++) {
            per.add(round(m.count(i) / seconds, 1));
        }
        f.put("per_client_msgs_per_sec", per);
        long missing = Math.max(0, m.sent - count) + m.gaps;
        boolean verified = !(target.equals("lb") && s.ack().equals("none") && s.workload().equals("pub"));
        f.put("sent", m.sent);
        f.put("missing", verified ? missing : -1);
        f.put("duplicates", m.duplicates() + m.duplicateOffsets());
        f.put("errors", m.errors());
        if (m.firstError() != null) {
            f.put("first_error", m.firstError());
        }
        f.put("complete", verified && missing == 0 && m.duplicates() + m.duplicateOffsets() == 0
                && m.errors() == 0);
        f.put("verified", verified);
        return new Report(f);
    }

    /** True when the completeness check passed, or could not apply and nothing failed. */
    boolean complete() {
        if ((Boolean) fields.get("verified")) {
            return (Boolean) fields.get("complete");
        }
        return (Long) fields.get("errors") == 0;
    }

    Map<String, Object> fields() {
        return fields;
    }

    private static String pName(double q) {
        return q == 50 ? "p50" : q == 90 ? "p90" : q == 95 ? "p95" : q == 99 ? "p99"
                : q == 99.9 ? "p99.9" : "p99.99";
    }

    static double micros(long nanos) {
        return round(nanos / 1000.0, 1);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    String json() {
        return MAPPER.writeValueAsString(fields);
    }

    @SuppressWarnings("unchecked")
    String text() {
        StringBuilder b = new StringBuilder();
        Map<String, Object> lat = (Map<String, Object>) fields.get("latency_us");
        String w = (String) fields.get("workload");
        b.append(String.format(Locale.ROOT, "%s against %s%s: stream %s, %d client(s), %d partition(s), "
                        + "%d-byte messages, window %d%s%s%n", w, fields.get("target"),
                ((String) fields.get("path")).isEmpty() ? "" : " (" + fields.get("path") + ")",
                fields.get("stream"), fields.get("clients"), fields.get("partitions"), fields.get("size"),
                fields.get("window"), ((String) fields.get("ack")).isEmpty() ? "" : ", ack " + fields.get("ack"),
                (Double) fields.get("rate") > 0 ? String.format(Locale.ROOT, ", rate %.0f msg/s", fields.get("rate")) : ""));
        String verb = switch (w) {
            case "sub" -> "records read";
            case "e2e" -> "records delivered";
            case "rtt" -> "round trips";
            default -> "records sent";
        };
        b.append(String.format(Locale.ROOT, "%d %s, %.1f records/sec (%.2f MB/sec)", fields.get("messages"),
                verb, fields.get("msgs_per_sec"), fields.get("mb_per_sec")));
        if (!lat.isEmpty()) {
            b.append(String.format(Locale.ROOT, ", %.3f ms avg latency, %.3f ms max latency, %.3f ms 50th, "
                            + "%.3f ms 95th, %.3f ms 99th, %.3f ms 99.9th", ms(lat.get("avg")), ms(lat.get("max")),
                    ms(lat.get("p50")), ms(lat.get("p95")), ms(lat.get("p99")), ms(lat.get("p99.9"))));
        }
        b.append(".\n");
        double cpu = (Double) fields.get("client_cpu_us_per_msg");
        if (cpu >= 0) {
            b.append(String.format(Locale.ROOT, "Client CPU: %.2f µs per message (this process, all threads).%n", cpu));
        }
        if (!lat.isEmpty()) {
            b.append(String.format("%nLatency (µs)%s:%n", (Boolean) fields.get("latency_from_scheduled_send")
                    ? ", from the scheduled send time (no coordinated omission)" : ""));
            List<String> names = List.of("min", "avg", "stddev", "p50", "p90", "p99", "p99.9", "p99.99", "max");
            StringBuilder head = new StringBuilder();
            StringBuilder row = new StringBuilder();
            for (String n : names) {
                String v = String.format(Locale.ROOT, "%.1f", ((Number) lat.get(n)).doubleValue());
                int width = Math.max(n.length(), v.length()) + 2;
                head.append(String.format("%" + width + "s", n));
                row.append(String.format("%" + width + "s", v));
            }
            b.append(head).append('\n').append(row).append('\n');
        }
        @SuppressWarnings("unchecked")
        List<Double> per = (List<Double>) fields.get("per_client_msgs_per_sec");
        if (per.size() > 1) {
            b.append("\nPer client (msg/s):");
            for (int i = 0; i < per.size(); i++) {
                b.append(String.format(Locale.ROOT, " [%d] %.0f", i + 1, per.get(i)));
            }
            b.append('\n');
        }
        b.append('\n');
        if (!(Boolean) fields.get("verified")) {
            b.append("Completeness: not verified (ack policy none: nothing is acknowledged)");
        } else if ((Boolean) fields.get("complete")) {
            b.append(String.format(Locale.ROOT, "Completeness: all %d %s, each exactly once",
                    fields.get("messages"), w.equals("pub") ? "acknowledged" : w.equals("rtt") ? "answered"
                            : w.equals("sub") ? "offsets read in order, no gap" : "delivered"));
        } else {
            b.append(String.format(Locale.ROOT, "Completeness: INCOMPLETE: %d missing, %d duplicate(s), %d error(s)",
                    fields.get("missing"), fields.get("duplicates"), fields.get("errors")));
            if (fields.containsKey("first_error")) {
                b.append("; first error: ").append(fields.get("first_error"));
            }
        }
        return b.append('\n').toString();
    }

    private static double ms(Object micros) {
        return ((Number) micros).doubleValue() / 1000.0;
    }

    @SuppressWarnings("unchecked")
    String csvRow() {
        Map<String, Object> lat = (Map<String, Object>) fields.get("latency_us");
        List<String> cells = new ArrayList<>();
        for (String c : CSV_COLUMNS) {
            Object v;
            if (c.startsWith("lat_")) {
                String k = c.substring(4, c.length() - 3).replace("p999", "p99.9");
                v = lat.getOrDefault(k, "");
            } else {
                v = fields.get(c);
            }
            String s = String.valueOf(v);
            cells.add(s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s);
        }
        return String.join(",", cells);
    }

    /** Appends the CSV row to {@code file}, writing the header first when the file is new or empty. */
    void appendCsv(Path file) throws IOException {
        boolean header = !Files.exists(file) || Files.size(file) == 0;
        String text = (header ? String.join(",", CSV_COLUMNS) + "\n" : "") + csvRow() + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    void print(PrintWriter out, boolean json) {
        out.print(json ? json() + "\n" : text());
        out.flush();
    }
}
