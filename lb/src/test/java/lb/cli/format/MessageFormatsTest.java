package lb.cli.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageFormatsTest {

    // 2025-03-02T10:14:07.123456789Z
    private static final long TS = 1_740_910_447_123_456_789L;

    private static MessageView sample() {
        Map<String, byte[]> h = new LinkedHashMap<>();
        h.put("subject", bytes("orders"));
        h.put("reply", new byte[0]);
        h.put("trace", bytes("abc"));
        return new MessageView("orders", 0, 42, TS, "orders", "", bytes("k1"),
                bytes("hello world"), h, "");
    }

    private static MessageView binary() {
        Map<String, byte[]> h = new LinkedHashMap<>();
        h.put("bin", new byte[] {(byte) 0xff, 0, 1});
        return new MessageView("s", 3, 7, TS, "s.3", "inbox", new byte[] {(byte) 0xc3, 0x28},
                new byte[] {0, (byte) 0x80, (byte) 0xfe, '\n'}, h, "c-9");
    }

    @Test
    void prettyIsOneLinePerMessageWithHeadersWhenVerbose() throws IOException {
        FormatOptions o = FormatOptions.defaults();
        assertEquals("orders[0]@42  2025-03-02T10:14:07.123Z  key=k1  hello world\n",
                render(MessageFormats.of("pretty", o), sample()));
        FormatOptions v = new FormatOptions(Encoding.AUTO, Encoding.AUTO, "\n", null, true, false);
        assertEquals("orders[0]@42  2025-03-02T10:14:07.123Z  key=k1  hello world\n"
                        + "    reply: \n    subject: orders\n    trace: abc\n",
                render(MessageFormats.of("pretty", v), sample()));
        assertEquals("s[3]@7  2025-03-02T10:14:07.123Z  key=\\xc3(  \\x00\\x80\\xfe\\x0a\n",
                render(MessageFormats.of("pretty", o), binary()));
    }

    @Test
    void rawWritesTheValueBytesAndTheDelimiters() throws IOException {
        assertArrayEquals(concat(binary().value(), bytes("\n")),
                renderBytes(MessageFormats.of("raw", FormatOptions.defaults()), binary()));
        FormatOptions k = new FormatOptions(Encoding.AUTO, Encoding.AUTO, "|", ":", false, false);
        assertEquals("k1:hello world|", render(MessageFormats.of("raw", k), sample()));
    }

    @Test
    void jsonlIsTheStableEnvelope() throws IOException {
        assertEquals("{\"stream\":\"orders\",\"partition\":0,\"offset\":42,"
                + "\"timestamp\":1740910447123,\"time\":\"2025-03-02T10:14:07.123Z\","
                + "\"subject\":\"orders\",\"key\":\"k1\",\"key_encoding\":\"utf8\","
                + "\"headers\":{\"reply\":\"\",\"subject\":\"orders\",\"trace\":\"abc\"},"
                + "\"headers_encoding\":\"utf8\",\"value\":\"hello world\","
                + "\"value_encoding\":\"utf8\",\"correlation_id\":null,\"reply_inbox\":null}\n",
                render(MessageFormats.of("jsonl", FormatOptions.defaults()), sample()));
    }

    @Test
    void jsonlSwitchesToBase64ForBinaryAndSaysSo() throws IOException {
        String line = render(MessageFormats.of("jsonl", FormatOptions.defaults()), binary());
        assertTrue(line.contains("\"key\":\"wyg=\",\"key_encoding\":\"base64\""), line);
        assertTrue(line.contains("\"headers\":{\"bin\":\"/wAB\"},\"headers_encoding\":\"base64\""), line);
        assertTrue(line.contains("\"value\":\"AID+Cg==\",\"value_encoding\":\"base64\""), line);
        assertTrue(line.contains("\"correlation_id\":\"c-9\",\"reply_inbox\":\"inbox\""), line);
    }

    @Test
    void jsonValueEncodingEmbedsJsonAndFallsBackForText() throws IOException {
        FormatOptions o = new FormatOptions(Encoding.AUTO, Encoding.JSON, "\n", null, false, false);
        MessageView m = new MessageView("s", 0, 1, TS, "s", "", null, bytes("{\"a\":[1,2]}"),
                Map.of(), "");
        String line = render(MessageFormats.of("jsonl", o), m);
        assertTrue(line.contains("\"key\":null,\"key_encoding\":null"), line);
        assertTrue(line.contains("\"value\":{\"a\":[1,2]},\"value_encoding\":\"json\""), line);
        MessageView text = new MessageView("s", 0, 1, TS, "s", "", null, bytes("not json"),
                Map.of(), "");
        assertTrue(render(MessageFormats.of("jsonl", o), text)
                .contains("\"value\":\"not json\",\"value_encoding\":\"utf8\""));
    }

    @Test
    void jsonEnvelopesRoundTripRandomBinaryMessagesByteForByte() throws IOException {
        Random rnd = new Random(20261121);
        MessageFormatter f = MessageFormats.of("jsonl", FormatOptions.defaults());
        for (int i = 0; i < 2_000; i++) {
            Map<String, byte[]> h = new LinkedHashMap<>();
            for (int k = rnd.nextInt(3); k > 0; k--) {
                h.put("h" + k, randomBytes(rnd, 20));
            }
            byte[] key = rnd.nextInt(4) == 0 ? null : nonEmpty(randomBytes(rnd, 12));
            MessageView m = new MessageView("s", rnd.nextInt(8), i, TS, "s", "", key,
                    rnd.nextBoolean() ? randomBytes(rnd, 300) : bytes("text " + i), h, "c" + i);
            String line = render(f, m);
            PublishRecord r = JsonEnvelope.read(line);
            assertArrayEquals(m.value(), r.value(), line);
            if (key == null) {
                assertNull(r.key(), line);
            } else {
                assertArrayEquals(key, r.key(), line);
            }
            assertEquals(h.keySet(), r.headers().keySet());
            h.forEach((name, v) -> assertArrayEquals(v, r.headers().get(name), line));
            assertEquals(m.partition(), r.partition());
            assertEquals("c" + i, r.correlationId());
        }
    }

    @Test
    void readsMinimalAndHandWrittenLines() {
        PublishRecord r = JsonEnvelope.read("{\"value\":\"hi\"}");
        assertArrayEquals(bytes("hi"), r.value());
        assertNull(r.key());
        assertNull(r.partition());
        assertArrayEquals(bytes("{\"n\":1}"), JsonEnvelope.read("{\"value\":{\"n\":1}}").value());
        assertArrayEquals(new byte[] {1, 2}, JsonEnvelope.read(
                "{\"value\":\"0102\",\"value_encoding\":\"hex\",\"key\":\"k\"}").value());
    }

    @Test
    void refusesBadLinesNamingTheField() {
        assertMessage("not valid JSON", "{value");
        assertMessage("missing field \"value\"", "{\"key\":\"k\"}");
        assertMessage("expected a JSON object", "[1]");
        assertMessage("field \"partition\" must be a non-negative integer", "{\"value\":\"v\",\"partition\":-1}");
        assertMessage("value is not valid base64", "{\"value\":\"@@\",\"value_encoding\":\"base64\"}");
        assertMessage("unknown encoding 'rot13'", "{\"value\":\"v\",\"value_encoding\":\"rot13\"}");
        assertMessage("header \"h\" must be a string", "{\"value\":\"v\",\"headers\":{\"h\":1}}");
    }

    @Test
    void templatesRenderEveryToken() throws IOException {
        String out = render(MessageFormats.of(
                "%s|%p|%o|%k|%K|%v|%V|%d|%d{iso}|%d{strftime:%F %T.%L}|%H|%S|%n|%%|%h{%k=%v;}\\n",
                FormatOptions.defaults()), sample());
        assertEquals("orders|0|42|k1|2|hello world|11|1740910447123|2025-03-02T10:14:07.123Z|"
                + "2025-03-02 10:14:07.123|3|orders|1|%|reply=;subject=orders;trace=abc;\n", out);
        // Modifiers, a literal non-ASCII character (UTF-8) and a \xNN escape (one raw byte).
        assertEquals("7 6b31 aGVsbG8gd29ybGQ= \"hello world\"\t\u00e9\u0001",
                render(MessageFormats.of("%o %k{hex} %v{base64} %v{json}\\t\u00e9\\x01",
                        FormatOptions.defaults()), withOffset(sample(), 7)));
    }

    @Test
    void templateBytesAreRawForBinaryValuesAndEscapes() throws IOException {
        byte[] out = renderBytes(MessageFormats.of("%v\\xff", FormatOptions.defaults()), binary());
        assertArrayEquals(concat(binary().value(), new byte[] {(byte) 0xff}), out);
    }

    @Test
    void refusesBadTemplatesAndUnknownFormats() {
        for (String t : new String[] {"%q", "%", "%h{%k", "%d{week}", "%v{rot13}", "\\xzz%v", "%h{%h}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MessageFormats.of(t, FormatOptions.defaults()));
            assertTrue(e.getMessage().startsWith("bad template '" + t + "' at "), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MessageFormats.of("xml", FormatOptions.defaults()));
        assertEquals("unknown message format 'xml': expected " + MessageFormats.NAMES, e.getMessage());
    }

    private static MessageView withOffset(MessageView m, long offset) {
        return new MessageView(m.stream(), m.partition(), offset, m.timestampNs(), m.subject(),
                m.replySubject(), m.key(), m.value(), m.headers(), m.correlationId());
    }

    private static void assertMessage(String expectedStart, String line) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonEnvelope.read(line));
        assertTrue(e.getMessage().contains(expectedStart), e.getMessage());
    }

    private static String render(MessageFormatter f, MessageView m) throws IOException {
        return new String(renderBytes(f, m), StandardCharsets.UTF_8);
    }

    private static byte[] renderBytes(MessageFormatter f, MessageView m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        f.write(m, 1, out);
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] randomBytes(Random rnd, int max) {
        byte[] b = new byte[rnd.nextInt(max + 1)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] nonEmpty(byte[] b) {
        return b.length == 0 ? new byte[] {1} : b;
    }
}
