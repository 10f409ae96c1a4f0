package lb.cli.format;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How bytes (keys, values, header values) are written as JSON strings or template text, and read
 * back. {@code AUTO} writes UTF-8 text when the bytes are valid UTF-8 and base64 otherwise, and
 * names the choice, so every message round-trips byte for byte.
 */
public enum Encoding {
    AUTO, UTF8, BASE64, HEX, JSON;

    private static final HexFormat HEX_FORMAT = HexFormat.of();

    /** The encoding named on the command line or in a JSON envelope (case-insensitive). */
    public static Encoding parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace("-", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown encoding '" + name
                    + "': expected auto, utf8, base64, hex or json", e);
        }
    }

    /** The wire name used in JSON envelopes. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The encoding actually used for {@code bytes}: AUTO picks UTF8 or BASE64; UTF8 and JSON fall
     * back to BASE64 for bytes that are not valid UTF-8 (JSON also for bytes that are not JSON,
     * which the caller checks).
     */
    public Encoding resolve(byte[] bytes) {
        return switch (this) {
            case AUTO, UTF8, JSON -> isUtf8(bytes) ? (this == JSON ? JSON : UTF8) : BASE64;
            case BASE64, HEX -> this;
        };
    }

    /** Text of {@code bytes} in this (resolved, non-JSON) encoding. */
    public String encode(byte[] bytes) {
        return switch (this) {
            case UTF8, JSON -> new String(bytes, StandardCharsets.UTF_8);
            case BASE64 -> Base64.getEncoder().encodeToString(bytes);
            case HEX -> HEX_FORMAT.formatHex(bytes);
            case AUTO -> resolve(bytes).encode(bytes);
        };
    }

    /** The bytes that {@code text} stands for in this encoding. */
    public byte[] decode(String text) {
        return switch (this) {
            case UTF8, JSON, AUTO -> text.getBytes(StandardCharsets.UTF_8);
            case BASE64 -> Base64.getDecoder().decode(text);
            case HEX -> HEX_FORMAT.parseHex(text);
        };
    }

    /** True when {@code bytes} are well-formed UTF-8. */
    public static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) { // only non-ASCII input needs the full check
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes));
                    return true;
                } catch (CharacterCodingException e) {
                    return false; // the answer, not a failure
                }
            }
        }
        return true;
    }
}
