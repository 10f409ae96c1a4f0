package lb.broker.nats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A bare socket speaking the NATS protocol by hand, for exact protocol checks. */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connects and consumes the INFO line. */
    static RawClient open(int port) throws IOException {
        RawClient c = new RawClient(port);
        String info = c.readLine();
        if (info == null || !info.startsWith("INFO {")) {
            throw new IOException("expected INFO, got " + info);
        }
        return c;
    }

    RawClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** One line without CRLF, or null at end of stream. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(c);
        }
    }

    /** Lines until PONG (exclusive); fails if the stream ends first. */
    List<String> linesUntilPong() throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String l = readLine();
            if (l == null) {
                throw new IOException("connection closed before PONG; got " + lines);
            }
            if (l.equals("PONG")) {
                return lines;
            }
            lines.add(l);
        }
    }

    /** Lines until the server closes; fails on timeout (the server did not close). */
    List<String> linesUntilClosed() throws IOException {
        List<String> lines = new ArrayList<>();
        try {
            while (true) {
                String l = readLine();
                if (l == null) {
                    return lines;
                }
                lines.add(l);
            }
        } catch (SocketTimeoutException e) {
            throw new IOException("server did not close the connection; got " + lines, e);
        } catch (IOException e) {
            return lines; // reset by peer counts as closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
