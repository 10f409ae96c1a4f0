package lb.broker.nats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the subset of nats-server's configuration file format that the embedded server honours,
 * for Liftbridge's {@code nats.embedded.config} / {@code --embedded-nats-config}.
 *
 * <p>Format (as nats-server's): {@code key: value}, {@code key = value} or {@code key value};
 * {@code #} and {@code //} comments; values are quoted or bare strings, numbers with optional
 * size suffixes ({@code k}=1000, {@code kb}/{@code ki}=1024, likewise m, g), durations
 * ({@code "2m"}, or a number of seconds), booleans, and {@code { ... }} blocks. Keys:
 * {@code host}/{@code net}, {@code port}, {@code listen} (host:port), {@code server_name},
 * {@code max_payload}, {@code max_control_line}, {@code max_pending}, {@code ping_interval},
 * {@code ping_max}, {@code authorization { user, password, token, timeout }}; logging keys
 * ({@code debug}, {@code trace}, {@code logtime}, {@code log_file}) are accepted and ignored.
 * Any other key (TLS, cluster, JetStream, accounts ...) is refused with a message naming it,
 * because silently running without it would be worse. Stateless; thread-safe.
 */
final class NatsConfigFile {
    private NatsConfigFile() {
    }

    static NatsServerOptions.Builder read(Path file, NatsServerOptions.Builder b) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, Object> top;
        try {
            top = new Reader(text).readBlock(false);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nats config " + file + ": " + e.getMessage(), e);
        }
        for (Map.Entry<String, Object> e : top.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            String where = "nats config " + file + ": " + key + " = " + v;
            try {
                switch (key) {
                    case "host", "net" -> b.host(string(v));
                    case "port" -> b.port((int) number(v));
                    case "listen" -> {
                        String s = string(v);
                        int colon = s.lastIndexOf(':');
                        if (colon < 0) {
                            throw new IllegalArgumentException("expected host:port");
                        }
                        if (colon > 0) {
                            b.host(s.substring(0, colon).replace("[", "").replace("]", ""));
                        }
                        b.port(Integer.parseInt(s.substring(colon + 1)));
                    }
                    case "server_name" -> b.serverName(string(v));
                    case "max_payload" -> b.maxPayloadBytes(Math.toIntExact(number(v)));
                    case "max_control_line" -> b.maxControlLineBytes(Math.toIntExact(number(v)));
                    case "max_pending" -> b.maxPendingBytes(number(v));
                    case "ping_interval" -> b.pingInterval(duration(v));
                    case "ping_max" -> b.maxPingsOut(Math.toIntExact(number(v)));
                    case "authorization" -> authorization(v, b);
                    case "debug", "trace", "logtime", "log_file" -> { } // logging goes through the broker's logger
                    default -> throw new IllegalArgumentException("'" + key + "' is not supported by the embedded NATS server;"
                            + " run nats-server with this file and start lb with --nats-servers instead");
                }
            } catch (IllegalArgumentException | ArithmeticException ex) {
                throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
            }
        }
        return b;
    }

    @SuppressWarnings("unchecked")
    private static void authorization(Object v, NatsServerOptions.Builder b) {
        if (!(v instanceof Map)) {
            throw new IllegalArgumentException("authorization must be a block { ... }");
        }
        Map<String, Object> m = (Map<String, Object>) v;
        String user = null;
        String password = null;
        for (Map.Entry<String, Object> e : m.entrySet()) {
            switch (e.getKey()) {
                case "user" -> user = string(e.getValue());
                case "password", "pass" -> password = string(e.getValue());
                case "token" -> b.token(string(e.getValue()));
                case "timeout" -> b.authTimeout(duration(e.getValue()));
                default -> throw new IllegalArgumentException("authorization." + e.getKey()
                        + " is not supported by the embedded NATS server (user, password, token, timeout are)");
            }
        }
        if (user != null || password != null) {
            b.userPassword(user, password);
        }
    }

    private static String string(Object v) {
        if (v instanceof Map) {
            throw new IllegalArgumentException("expected a value, not a block");
        }
        return v.toString();
    }

    /** A number with an optional size suffix: k/m/g are powers of 1000, kb/ki/mb/mi/gb/gi of 1024. */
    static long number(Object v) {
        String s = string(v).trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || (i == 0 && s.charAt(i) == '-'))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("expected a number");
        }
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim();
        long mul = switch (unit) {
            case "" -> 1;
            case "k" -> 1000L;
            case "kb", "ki", "kib" -> 1024L;
            case "m" -> 1000L * 1000;
            case "mb", "mi", "mib" -> 1024L * 1024;
            case "g" -> 1000L * 1000 * 1000;
            case "gb", "gi", "gib" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown size unit '" + unit + "'");
        };
        return Math.multiplyExact(n, mul);
    }

    /** A duration: a number of seconds, or a Go-style duration such as "2m", "30s", "500ms", "1h30m". */
    static Duration duration(Object v) {
        String s = string(v).trim().toLowerCase(Locale.ROOT);
        if (s.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)").matcher(s);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            double n = Double.parseDouble(m.group(1));
            long ms = switch (m.group(2)) {
                case "ms" -> Math.round(n);
                case "s" -> Math.round(n * 1000);
                case "m" -> Math.round(n * 60_000);
                default -> Math.round(n * 3_600_000);
            };
            d = d.plusMillis(ms);
            end = m.end();
        }
        if (end != s.length() || end == 0) {
            throw new IllegalArgumentException("expected a duration such as 2m, 30s or 500ms");
        }
        return d;
    }

    /** Tokenizer and block reader for the nats-server config syntax. */
    private static final class Reader {
        private final String s;
        private int i;
        private int line = 1;

        Reader(String s) {
            this.s = s;
        }

        Map<String, Object> readBlock(boolean nested) {
            Map<String, Object> out = new LinkedHashMap<>();
            while (true) {
                skipSpaceAndComments();
                if (i >= s.length()) {
                    if (nested) {
                        throw error("missing }");
                    }
                    return out;
                }
                char c = s.charAt(i);
                if (c == '}') {
                    if (!nested) {
                        throw error("unexpected }");
                    }
                    i++;
                    return out;
                }
                String key = readKey();
                skipInline();
                if (i < s.length() && (s.charAt(i) == ':' || s.charAt(i) == '=')) {
                    i++;
                }
                skipInline();
                Object value = readValue();
                if (out.put(key.toLowerCase(Locale.ROOT), value) != null) {
                    throw error("'" + key + "' is set twice");
                }
                skipInline();
                if (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ';')) {
                    i++;
                }
            }
        }

        private String readKey() {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '-' || s.charAt(i) == '.')) {
                i++;
            }
            if (i == start) {
                throw error("expected a key, found '" + s.charAt(i) + "'");
            }
            return s.substring(start, i);
        }

        private Object readValue() {
            if (i >= s.length()) {
                throw error("missing value");
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                return readBlock(true);
            }
            if (c == '[') {
                throw error("lists are not supported by the embedded NATS server's config reader");
            }
            if (c == '"' || c == '\'') {
                int end = s.indexOf(c, i + 1);
                if (end < 0) {
                    throw error("unterminated string");
                }
                String v = s.substring(i + 1, end);
                i = end + 1;
                return v;
            }
            int start = i;
            while (i < s.length() && "\n\r,;}#".indexOf(s.charAt(i)) < 0 && !s.startsWith("//", i)) {
                i++;
            }
            String v = s.substring(start, i).trim();
            if (v.isEmpty()) {
                throw error("missing value");
            }
            if (v.startsWith("$")) {
                throw error("variables ($NAME) are not supported by the embedded NATS server's config reader");
            }
            return v;
        }

        private void skipInline() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }

        private void skipSpaceAndComments() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') {
                    line++;
                    i++;
                } else if (Character.isWhitespace(c) || c == ',' || c == ';') {
                    i++;
                } else if (c == '#' || s.startsWith("//", i)) {
                    while (i < s.length() && s.charAt(i) != '\n') {
                        i++;
                    }
                } else {
                    return;
                }
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("line " + line + ": " + what);
        }
    }
}
