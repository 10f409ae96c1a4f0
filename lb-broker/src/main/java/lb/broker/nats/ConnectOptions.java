package lb.broker.nats;

import java.nio.charset.StandardCharsets;

/**
 * The fields of a client's {@code CONNECT {json}} that this server acts on.
 *
 * <p>Decoded by a small strict JSON reader (objects, arrays, strings with escapes, numbers,
 * literals); unknown fields are skipped whatever their type. As in nats-server, a field that is
 * absent keeps its earlier value, and {@code verbose}/{@code pedantic} start out true, so a
 * client that never sends CONNECT gets {@code +OK}s. Not thread-safe: one per connection, used on
 * its I/O thread.
 */
final class ConnectOptions {
    boolean verbose = true;
    boolean pedantic = true;
    boolean echo = true;
    boolean headers;
    boolean noResponders;
    String name = "";
    String lang = "";
    String version = "";
    String user;
    String pass;
    String authToken;
    int protocol;

    /** Applies one CONNECT's JSON; throws IllegalArgumentException with the reason if malformed. */
    void apply(byte[] b, int off, int len) {
        new Reader(new String(b, off, len, StandardCharsets.UTF_8)).readConnect(this);
    }

    private static final class Reader {
        private final String s;
        private int i;
        private int depth;

        Reader(String s) {
            this.s = s;
        }

        void readConnect(ConnectOptions o) {
            skipWs();
            expect('{');
            skipWs();
            if (peek() == '}') {
                i++;
                end();
                return;
            }
            while (true) {
                skipWs();
                String key = readString();
                skipWs();
                expect(':');
                skipWs();
                switch (key) {
                    case "verbose" -> o.verbose = readBoolean();
                    case "pedantic" -> o.pedantic = readBoolean();
                    case "echo" -> o.echo = readBoolean();
                    case "headers" -> o.headers = readBoolean();
                    case "no_responders" -> o.noResponders = readBoolean();
                    case "name" -> o.name = readStringOrNull("");
                    case "lang" -> o.lang = readStringOrNull("");
                    case "version" -> o.version = readStringOrNull("");
                    case "user" -> o.user = readStringOrNull(null);
                    case "pass" -> o.pass = readStringOrNull(null);
                    case "auth_token" -> o.authToken = readStringOrNull(null);
                    case "protocol" -> o.protocol = (int) readNumber();
                    default -> skipValue();
                }
                skipWs();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
            end();
        }

        private void end() {
            skipWs();
            if (i != s.length()) {
                throw error("trailing characters");
            }
        }

        private boolean readBoolean() {
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            throw error("expected true or false");
        }

        private String readStringOrNull(String ifNull) {
            if (s.startsWith("null", i)) {
                i += 4;
                return ifNull;
            }
            return readString();
        }

        private double readNumber() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            try {
                return Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw error("bad number");
            }
        }

        private String readString() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }

        private void skipValue() {
            if (++depth > 64) {
                throw error("nesting too deep");
            }
            char c = peek();
            switch (c) {
                case '"' -> readString();
                case '{', '[' -> {
                    char close = c == '{' ? '}' : ']';
                    i++;
                    skipWs();
                    if (peek() == close) {
                        i++;
                        break;
                    }
                    while (true) {
                        skipWs();
                        if (close == '}') {
                            readString();
                            skipWs();
                            expect(':');
                            skipWs();
                        }
                        skipValue();
                        skipWs();
                        char n = next();
                        if (n == close) {
                            break;
                        }
                        if (n != ',') {
                            throw error("expected , or " + close);
                        }
                    }
                }
                case 't', 'f' -> readBoolean();
                case 'n' -> readStringOrNull(null);
                default -> readNumber();
            }
            depth--;
        }

        private void skipWs() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad CONNECT JSON at " + i + ": " + what);
        }
    }
}
