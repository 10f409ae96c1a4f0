package lb.cli.format;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of a message (CLI.md "JSON envelope"), written by {@code --format json|jsonl} and
 * read back by {@code publish --input jsonl}. Version 1; the shape never depends on other flags:
 *
 * <pre>
 * {"stream":"orders","partition":0,"offset":42,"timestamp":1740910447123,
 *  "time":"2025-03-02T10:14:07.123Z","subject":"orders",
 *  "key":"k1","key_encoding":"utf8",
 *  "headers":{"trace":"abc"},"headers_encoding":"utf8",
 *  "value":"...","value_encoding":"utf8",
 *  "correlation_id":null,"reply_inbox":null}
 * </pre>
 *
 * {@code timestamp} is epoch milliseconds; {@code key} is null for a keyless message; every
 * byte field names its encoding (utf8, base64, hex, or json for a value embedded as JSON), so
 * binary data round-trips byte for byte. Thread-safe.
 */
public final class JsonEnvelope {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Encoding keyEncoding;
    private final Encoding valueEncoding;

    public JsonEnvelope(Encoding keyEncoding, Encoding valueEncoding) {
        this.keyEncoding = keyEncoding;
        this.valueEncoding = valueEncoding;
    }

    /** Writes {@code m} as one JSON object; {@code pretty} spreads it over indented lines. */
    public void write(MessageView m, OutputStream out, boolean pretty) {
        try (JsonGenerator g = pretty
                ? MAPPER.writerWithDefaultPrettyPrinter().createGenerator(out)
                : MAPPER.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("stream", m.stream());
            g.writeNumberProperty("partition", m.partition());
            g.writeNumberProperty("offset", m.offset());
            long ms = Math.floorDiv(m.timestampNs(), 1_000_000L);
            g.writeNumberProperty("timestamp", ms);
            g.writeStringProperty("time", Instant.ofEpochMilli(ms).toString());
            g.writeStringProperty("subject", m.subject());
            if (m.key() == null) {
                g.writeNullProperty("key");
                g.writeNullProperty("key_encoding");
            } else {
                writeBytes(g, "key", m.key(), keyEncoding);
            }
            Encoding headerEncoding = Encoding.UTF8;
            for (byte[] v : m.headers().values()) {
                if (!Encoding.isUtf8(v)) {
                    headerEncoding = Encoding.BASE64;
                    break;
                }
            }
            g.writeName("headers");
            g.writeStartObject();
            for (Map.Entry<String, byte[]> h : m.headers().entrySet()) {
                g.writeStringProperty(h.getKey(), headerEncoding.encode(h.getValue()));
            }
            g.writeEndObject();
            g.writeStringProperty("headers_encoding", headerEncoding.label());
            writeBytes(g, "value", m.value(), valueEncoding);
            writeNullable(g, "correlation_id", m.correlationId());
            writeNullable(g, "reply_inbox", m.replySubject());
            g.writeEndObject();
        }
    }

    private static void writeBytes(JsonGenerator g, String name, byte[] bytes, Encoding wanted) {
        Encoding enc = wanted.resolve(bytes);
        if (enc == Encoding.JSON) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (isJson(text)) {
                g.writeName(name);
                g.writeRawValue(text);
                g.writeStringProperty(name + "_encoding", "json");
                return;
            }
            enc = Encoding.UTF8;
        }
        g.writeStringProperty(name, enc.encode(bytes));
        g.writeStringProperty(name + "_encoding", enc.label());
    }

    private static void writeNullable(JsonGenerator g, String name, String value) {
        if (value == null || value.isEmpty()) {
            g.writeNullProperty(name);
        } else {
            g.writeStringProperty(name, value);
        }
    }

    private static boolean isJson(String text) {
        try {
            MAPPER.readTree(text);
            return !text.isBlank();
        } catch (JacksonException e) {
            return false; // not JSON: written as a string instead
        }
    }

    /**
     * Reads one JSON envelope (or any object with a subset of its fields) as a message to publish.
     * Only {@code value} is required; missing encodings mean utf8; a value given as a JSON object,
     * array, number or boolean is published as its compact JSON text.
     *
     * @throws IllegalArgumentException naming the field when the line is not a usable envelope
     */
    public static PublishRecord read(String line) {
        JsonNode n;
        try {
            n = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with at least \"value\"");
        }
        JsonNode value = n.path("value");
        if (value.isMissingNode()) {
            throw new IllegalArgumentException("missing field \"value\"");
        }
        byte[] valueBytes = bytes(n, "value", value);
        JsonNode key = n.path("key");
        byte[] keyBytes = key.isMissingNode() || key.isNull() ? null : bytes(n, "key", key);
        Map<String, byte[]> headers = new LinkedHashMap<>();
        JsonNode hs = n.path("headers");
        if (!hs.isMissingNode() && !hs.isNull()) {
            if (!hs.isObject()) {
                throw new IllegalArgumentException("field \"headers\" must be an object");
            }
            Encoding he = encoding(n, "headers_encoding");
            for (Map.Entry<String, JsonNode> h : hs.properties()) {
                if (!h.getValue().isString()) {
                    throw new IllegalArgumentException("header \"" + h.getKey() + "\" must be a string");
                }
                headers.put(h.getKey(), decode(he, h.getValue().stringValue(), "header " + h.getKey()));
            }
        }
        Integer partition = null;
        JsonNode p = n.path("partition");
        if (!p.isMissingNode() && !p.isNull()) {
            if (!p.isIntegralNumber() || p.asLong() < 0 || p.asLong() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("field \"partition\" must be a non-negative integer");
            }
            partition = p.asInt();
        }
        String stream = n.path("stream").isString() ? n.path("stream").stringValue() : null;
        String correlationId = n.path("correlation_id").isString()
                ? n.path("correlation_id").stringValue() : null;
        return new PublishRecord(stream, partition, keyBytes, valueBytes, headers, correlationId);
    }

    private static byte[] bytes(JsonNode n, String field, JsonNode node) {
        Encoding enc = encoding(n, field + "_encoding");
        if (enc == Encoding.JSON || !node.isString()) {
            if (enc != Encoding.JSON && enc != Encoding.UTF8) {
                throw new IllegalArgumentException("field \"" + field + "\" must be a string when "
                        + field + "_encoding is " + enc.label());
            }
            return node.isString() && enc != Encoding.JSON
                    ? node.stringValue().getBytes(StandardCharsets.UTF_8)
                    : MAPPER.writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        }
        return decode(enc, node.stringValue(), field);
    }

    private static Encoding encoding(JsonNode n, String field) {
        JsonNode e = n.path(field);
        if (e.isMissingNode() || e.isNull()) {
            return Encoding.UTF8;
        }
        Encoding enc = Encoding.parse(e.asString());
        return enc == Encoding.AUTO ? Encoding.UTF8 : enc;
    }

    private static byte[] decode(Encoding enc, String text, String what) {
        try {
            return enc.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid " + enc.label() + ": "
                    + e.getMessage(), e);
        }
    }
}
