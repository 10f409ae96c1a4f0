package lb.cli.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import lb.cli.format.JsonEnvelope;
import lb.cli.format.PublishRecord;

/**
 * Cuts {@code lb publish}'s stdin into messages (CLI.md "Publish input"): one per line
 * ({@code lines}, optionally "key DELIM value" with {@code -K}), all of it as one
 * ({@code raw}), JSON envelopes ({@code jsonl}) or records of an {@link InputTemplate}.
 * Stateless; the caller's thread reads and hands each record to its sink before reading on, so
 * a slow sink (a full publish window) slows the reading.
 *
 * <p>A record's key is null when the input says nothing about keys (the caller may use
 * {@code -k}), and empty when a {@code -K} line has no delimiter (no key).
 */
public final class StdinInput {

    /** Where records go. */
    public interface Sink {
        void accept(PublishRecord record) throws IOException;
    }

    /** Input that does not parse; the message names the line or record. */
    public static final class BadInputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadInputException(String message) {
            super(message);
        }
    }

    private StdinInput() {
    }

    /**
     * Reads {@code in} to its end, or until {@code stopped} says so.
     *
     * @param mode         lines, raw or jsonl (ignored when {@code template} is given)
     * @param keyDelimiter lines: the bytes between key and value, or null
     * @param progress     told the bytes consumed
     * @throws BadInputException for a jsonl line or template record that does not parse
     */
    public static void read(InputStream in, String mode, byte[] keyDelimiter, InputTemplate template, Sink sink,
                            BooleanSupplier stopped, LongConsumer progress) throws IOException {
        if (template != null) {
            InputTemplate.Reader r = template.reader(in);
            while (!stopped.getAsBoolean()) {
                PublishRecord rec;
                try {
                    rec = r.next();
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("stdin: " + e.getMessage());
                }
                if (rec == null) {
                    return;
                }
                sink.accept(rec);
            }
            return;
        }
        if (mode.equals("raw")) {
            byte[] b = in.readAllBytes();
            sink.accept(record(null, b));
            progress.accept(b.length);
            return;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long lineNo = 0;
        while (!stopped.getAsBoolean()) {
            line.reset();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.write(c);
            }
            if (c < 0 && line.size() == 0) {
                return;
            }
            lineNo++;
            byte[] l = line.toByteArray();
            progress.accept(l.length + 1);
            if (l.length > 0 && l[l.length - 1] == '\r') {
                l = Arrays.copyOf(l, l.length - 1);
            }
            if (mode.equals("jsonl")) {
                String text = new String(l, StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    PublishRecord r;
                    try {
                        r = JsonEnvelope.read(text);
                    } catch (IllegalArgumentException e) {
                        throw new BadInputException("stdin line " + lineNo + ": " + e.getMessage());
                    }
                    sink.accept(r);
                }
            } else if (keyDelimiter != null) {
                int at = indexOf(l, keyDelimiter);
                if (at < 0) {
                    sink.accept(record(new byte[0], l));
                } else {
                    sink.accept(record(Arrays.copyOfRange(l, 0, at), Arrays.copyOfRange(l, at + keyDelimiter.length, l.length)));
                }
            } else {
                sink.accept(record(null, l));
            }
            if (c < 0) {
                return;
            }
        }
    }

    /** A record with only a key (null: none said) and a value. */
    public static PublishRecord record(byte[] key, byte[] value) {
        return new PublishRecord(null, null, key, value, Map.of(), null);
    }

    static int indexOf(byte[] a, byte[] d) {
        outer:
        for (int i = 0; i + d.length <= a.length; i++) {
            for (int j = 0; j < d.length; j++) {
                if (a[i + j] != d[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
