package lb.broker.nats;

/**
 * Subject and queue-name rules, as nats-server applies them to client input.
 *
 * <p>A subject is one or more non-empty tokens separated by {@code .}, without spaces, tabs, CR
 * or LF. In a subscription a token that is exactly {@code *} matches any one token and a final
 * token that is exactly {@code >} matches one or more; {@code foo*} is an ordinary token. A
 * publish subject must be literal (no {@code *} or {@code >} token). Stateless and thread-safe.
 */
final class Subjects {
    private Subjects() {
    }

    /** A valid subscription subject (wildcards allowed, {@code >} only as the last token). */
    static boolean isValidSubscribe(String s) {
        int n = s.length();
        if (n == 0) {
            return false;
        }
        int tokenStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? s.charAt(i) : '.';
            if (c == '.') {
                int len = i - tokenStart;
                if (len == 0) {
                    return false;
                }
                if (len == 1 && s.charAt(tokenStart) == '>' && i != n) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isSpace(c)) {
                return false;
            }
        }
        return true;
    }

    /** A valid literal subject in {@code b[off, off+len)}: no empty token, no {@code *} or {@code >} token. */
    static boolean isValidLiteral(byte[] b, int off, int len) {
        if (len == 0) {
            return false;
        }
        int tokenStart = off;
        int end = off + len;
        for (int i = off; i <= end; i++) {
            byte c = i < end ? b[i] : (byte) '.';
            if (c == '.') {
                int tl = i - tokenStart;
                if (tl == 0) {
                    return false;
                }
                if (tl == 1 && (b[tokenStart] == '*' || b[tokenStart] == '>')) {
                    return false;
                }
                tokenStart = i + 1;
            } else if (isSpace(c)) {
                return false;
            }
        }
        return true;
    }

    /** A valid queue group name: non-empty, no whitespace. */
    static boolean isValidQueue(String q) {
        if (q.isEmpty()) {
            return false;
        }
        for (int i = 0; i < q.length(); i++) {
            if (isSpace(q.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
