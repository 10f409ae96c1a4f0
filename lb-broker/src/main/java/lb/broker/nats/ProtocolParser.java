package lb.broker.nats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Byte state machine for the client side of the NATS protocol (what clients send to a server).
 *
 * <p>Two states: {@code LINE} scans for the {@code \n} that ends a control line, {@code PAYLOAD}
 * waits for the {@code size + 2} bytes of a PUB/HPUB body and its {@code \r\n}. A frame that lies
 * wholly inside the buffer given to {@link #parse} is handed to the {@link ProtocolHandler} as a
 * view of that buffer, without copying; only a frame that straddles two reads is copied, into
 * {@code line} (control line, at most the control-line limit) and {@code body} (payload, at most
 * max_payload + 2). Both scratch arrays grow on demand and are kept for the connection's life.
 *
 * <p>Error behaviour follows nats-server 2.9 byte for byte: an unknown operation or a payload not
 * followed by {@code \r\n} gives {@code -ERR 'Unknown Protocol Operation'}; malformed arguments
 * close silently; a size above max_payload gives {@code -ERR 'Maximum Payload Violation'}; a
 * control line above the limit gives {@code -ERR 'maximum control line exceeded'}. Every error is a
 * {@link ProtocolException}; no other exception leaves {@link #parse} for any input bytes.
 *
 * <p>Not thread-safe: owned by one connection and called only from its I/O thread.
 */
final class ProtocolParser {
    /** CONNECT carries JSON (possibly a JWT); nats-server does not apply max_control_line to it. */
    static final int MAX_CONNECT_LINE = 1 << 20;

    private static final int LINE = 0;
    private static final int PAYLOAD = 1;
    private static final int MAX_ARGS = 5;
    /** Keep a split-payload scratch array up to this size between messages; free bigger ones. */
    private static final int RETAINED_BODY = 64 * 1024;

    private final ProtocolHandler handler;
    private final int maxControlLine;
    private int maxPayload;
    private boolean headersAllowed;

    private int state = LINE;

    /** Partial control line carried over from an earlier read; also holds args of a split PUB. */
    private byte[] line = new byte[256];
    private int lineLen;

    /** Arguments of the PUB/HPUB whose payload is awaited. */
    private byte[] argBuf;
    private int subjectOff, subjectLen, replyOff, replyLen, headerLen, totalLen;

    /** Payload carried over from earlier reads: {@code bodyLen} of {@code totalLen + 2} bytes. */
    private byte[] body = new byte[0];
    private int bodyLen;

    private final int[] argStart = new int[MAX_ARGS + 1];
    private final int[] argEnd = new int[MAX_ARGS + 1];

    ProtocolParser(ProtocolHandler handler, int maxControlLine, int maxPayload) {
        this.handler = handler;
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    void headersAllowed(boolean allowed) {
        this.headersAllowed = allowed;
    }

    /** Parses {@code buf[off, off+len)}; the buffer may be reused by the caller afterwards. */
    void parse(byte[] buf, int off, int len) throws ProtocolException {
        int i = off;
        final int end = off + len;
        while (i < end) {
            if (state == LINE) {
                i = parseLine(buf, i, end);
            } else {
                i = parsePayload(buf, i, end);
            }
        }
        if (state == PAYLOAD && argBuf != line) {
            stashArgs();
        }
    }

    /**
     * A PUB's payload is still to come but its arguments live in the caller's buffer, which is
     * reused after this call: copy subject and reply into {@code line}, which stays untouched
     * until the payload is complete.
     */
    private void stashArgs() {
        int from = replyLen > 0 ? Math.min(subjectOff, replyOff) : subjectOff;
        int to = replyLen > 0 ? Math.max(subjectOff + subjectLen, replyOff + replyLen) : subjectOff + subjectLen;
        lineLen = 0;
        appendLine(argBuf, from, to - from);
        lineLen = 0; // the bytes stay in 'line'; lineLen counts only a partial next line
        subjectOff -= from;
        if (replyLen > 0) {
            replyOff -= from;
        }
        argBuf = line;
    }

    private int parseLine(byte[] buf, int i, int end) throws ProtocolException {
        if (lineLen == 0) {
            checkFirstByte(buf[i]);
        }
        int nl = i;
        while (nl < end && buf[nl] != '\n') {
            nl++;
        }
        int limit = lineLimit(lineLen > 0 ? line[0] : buf[i]);
        if (nl == end) {
            int n = end - i;
            if (lineLen + n > limit + 1) { // +1: the '\r' may already be here
                throw new ProtocolException(ProtocolException.MAX_CONTROL_LINE,
                        "control line longer than " + limit + " bytes");
            }
            appendLine(buf, i, n);
            return end;
        }
        byte[] lb;
        int ls;
        int le;
        if (lineLen > 0) {
            appendLine(buf, i, nl - i);
            lb = line;
            ls = 0;
            le = lineLen;
            lineLen = 0;
        } else {
            lb = buf;
            ls = i;
            le = nl;
        }
        if (le > ls && lb[le - 1] == '\r') {
            le--;
        }
        if (le - ls > limit) {
            throw new ProtocolException(ProtocolException.MAX_CONTROL_LINE,
                    "control line of " + (le - ls) + " bytes, limit " + limit);
        }
        processLine(lb, ls, le);
        return nl + 1;
    }

    private int lineLimit(byte first) {
        return (first == 'C' || first == 'c') ? Math.max(MAX_CONNECT_LINE, maxControlLine) : maxControlLine;
    }

    private static void checkFirstByte(byte b) throws ProtocolException {
        switch (b) {
            case 'P', 'p', 'S', 's', 'U', 'u', 'H', 'h', 'C', 'c', 'I', 'i', '+', '-' -> { }
            default -> throw new ProtocolException(ProtocolException.UNKNOWN_OP,
                    "unknown operation starting with byte " + (b & 0xff));
        }
    }

    private void appendLine(byte[] src, int off, int n) {
        if (lineLen + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
        }
        System.arraycopy(src, off, line, lineLen, n);
        lineLen += n;
    }

    private void processLine(byte[] b, int s, int e) throws ProtocolException {
        int n = e - s;
        byte c0 = n > 0 ? upper(b[s]) : 0;
        switch (c0) {
            case 'P' -> {
                if (isOp(b, s, e, "PUB")) {
                    handler.beforeOp(false);
                    processPub(b, s + 4, e, false);
                    return;
                }
                if (n >= 4 && isPrefix(b, s, "PING")) {
                    handler.beforeOp(false);
                    handler.onPing();
                    return;
                }
                if (n >= 4 && isPrefix(b, s, "PONG")) {
                    handler.beforeOp(false);
                    handler.onPong();
                    return;
                }
            }
            case 'H' -> {
                if (isOp(b, s, e, "HPUB")) {
                    handler.beforeOp(false);
                    processPub(b, s + 5, e, true);
                    return;
                }
            }
            case 'S' -> {
                if (isOp(b, s, e, "SUB")) {
                    handler.beforeOp(false);
                    processSub(b, s + 4, e);
                    return;
                }
            }
            case 'U' -> {
                if (isOp(b, s, e, "UNSUB")) {
                    handler.beforeOp(false);
                    processUnsub(b, s + 6, e);
                    return;
                }
            }
            case 'C' -> {
                if (isOp(b, s, e, "CONNECT")) {
                    handler.beforeOp(true);
                    int js = skipSpace(b, s + 8, e);
                    handler.onConnect(b, js, e - js);
                    return;
                }
            }
            case 'I' -> {
                if (isOp(b, s, e, "INFO")) {
                    handler.beforeOp(false); // clients may echo INFO; nats-server ignores it
                    return;
                }
            }
            case '+' -> {
                if (n >= 3 && isPrefix(b, s, "+OK")) {
                    handler.beforeOp(false);
                    return;
                }
            }
            case '-' -> {
                if (n >= 4 && isPrefix(b, s, "-ERR")) {
                    handler.beforeOp(false);
                    throw new ProtocolException(null, "client sent " + ascii(b, s, e));
                }
            }
            default -> { }
        }
        throw new ProtocolException(ProtocolException.UNKNOWN_OP, "unknown operation " + snippet(b, s, e));
    }

    private void processPub(byte[] b, int s, int e, boolean withHeaders) throws ProtocolException {
        int argc = split(b, s, e);
        String op = withHeaders ? "HPUB" : "PUB";
        int base = withHeaders ? 3 : 2;
        if (argc != base && argc != base + 1) {
            throw new ProtocolException(null, op + " parse error: " + snippet(b, s, e));
        }
        if (withHeaders && !headersAllowed) {
            throw new ProtocolException(null, "message headers not supported (CONNECT without headers:true)");
        }
        subjectOff = argStart[0];
        subjectLen = argEnd[0] - argStart[0];
        if (argc == base + 1) {
            replyOff = argStart[1];
            replyLen = argEnd[1] - argStart[1];
        } else {
            replyOff = 0;
            replyLen = 0;
        }
        int last = argc - 1;
        long total = parseSize(b, argStart[last], argEnd[last]);
        long hdr = withHeaders ? parseSize(b, argStart[last - 1], argEnd[last - 1]) : -1;
        if (total < 0 || (withHeaders && hdr < 0)) {
            throw new ProtocolException(null, op + " bad or missing size: " + snippet(b, s, e));
        }
        if (withHeaders && hdr > total) {
            throw new ProtocolException(null, op + " header size larger than total size: " + snippet(b, s, e));
        }
        if (total > maxPayload) {
            throw new ProtocolException(ProtocolException.MAX_PAYLOAD,
                    "maximum payload exceeded: " + total + " vs " + maxPayload);
        }
        totalLen = (int) total;
        headerLen = (int) hdr;
        argBuf = b;
        state = PAYLOAD;
    }

    private int parsePayload(byte[] buf, int i, int end) throws ProtocolException {
        int need = totalLen + 2;
        if (bodyLen == 0 && end - i >= need) {
            checkTrailer(buf, i + totalLen);
            state = LINE;
            handler.onPub(argBuf, subjectOff, subjectLen, replyOff, replyLen, buf, i, headerLen, totalLen);
            return i + need;
        }
        if (body.length < need) {
            body = new byte[Math.max(need, Math.min(Math.max(body.length * 2, 1024), maxPayload + 2))];
        }
        int n = Math.min(need - bodyLen, end - i);
        System.arraycopy(buf, i, body, bodyLen, n);
        bodyLen += n;
        if (bodyLen == need) {
            checkTrailer(body, totalLen);
            bodyLen = 0;
            state = LINE;
            handler.onPub(argBuf, subjectOff, subjectLen, replyOff, replyLen, body, 0, headerLen, totalLen);
            if (body.length > RETAINED_BODY) {
                body = new byte[0]; // one big message must not pin max_payload per connection
            }
        }
        return i + n;
    }

    private static void checkTrailer(byte[] b, int at) throws ProtocolException {
        if (b[at] != '\r' || b[at + 1] != '\n') {
            throw new ProtocolException(ProtocolException.UNKNOWN_OP, "payload not followed by CRLF (wrong size?)");
        }
    }

    private void processSub(byte[] b, int s, int e) throws ProtocolException {
        int argc = split(b, s, e);
        if (argc != 2 && argc != 3) {
            throw new ProtocolException(null, "SUB parse error: " + snippet(b, s, e));
        }
        String subject = ascii(b, argStart[0], argEnd[0]);
        String queue = argc == 3 ? ascii(b, argStart[1], argEnd[1]) : null;
        String sid = ascii(b, argStart[argc - 1], argEnd[argc - 1]);
        handler.onSub(subject, queue, sid);
    }

    private void processUnsub(byte[] b, int s, int e) throws ProtocolException {
        int argc = split(b, s, e);
        if (argc != 1 && argc != 2) {
            throw new ProtocolException(null, "UNSUB parse error: " + snippet(b, s, e));
        }
        long max = argc == 2 ? parseSize(b, argStart[1], argEnd[1]) : -1;
        handler.onUnsub(ascii(b, argStart[0], argEnd[0]), max);
    }

    /** Splits {@code b[s, e)} on spaces and tabs into argStart/argEnd; returns the count, or MAX_ARGS+1 if more. */
    private int split(byte[] b, int s, int e) {
        int argc = 0;
        int i = s;
        while (i < e) {
            while (i < e && (b[i] == ' ' || b[i] == '\t')) {
                i++;
            }
            if (i == e) {
                break;
            }
            if (argc == MAX_ARGS) {
                return MAX_ARGS + 1;
            }
            argStart[argc] = i;
            while (i < e && b[i] != ' ' && b[i] != '\t') {
                i++;
            }
            argEnd[argc++] = i;
        }
        return argc;
    }

    /** Decimal digits only, as nats-server's parseSize; -1 for anything else or above 9 digits. */
    static long parseSize(byte[] b, int s, int e) {
        int n = e - s;
        if (n == 0 || n > 9) {
            return -1;
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** True when {@code b[s..]} is {@code op} (any case) followed by a space or tab. */
    private static boolean isOp(byte[] b, int s, int e, String op) {
        int n = op.length();
        return e - s > n && isPrefix(b, s, op) && (b[s + n] == ' ' || b[s + n] == '\t');
    }

    private static boolean isPrefix(byte[] b, int s, String op) {
        for (int k = 0; k < op.length(); k++) {
            if (upper(b[s + k]) != op.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static byte upper(byte c) {
        return (c >= 'a' && c <= 'z') ? (byte) (c - 32) : c;
    }

    private static int skipSpace(byte[] b, int i, int e) {
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    static String ascii(byte[] b, int s, int e) {
        return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    }

    private static String snippet(byte[] b, int s, int e) {
        return '"' + ascii(b, s, Math.min(e, s + 64)).replace("\r", "\\r").replace("\n", "\\n") + '"';
    }
}
