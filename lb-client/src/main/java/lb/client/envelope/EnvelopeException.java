package lb.client.envelope;

/**
 * Bytes that are not a valid envelope of the expected type. Checked on purpose: every caller
 * that decodes bytes from the network must decide what a bad envelope means to it (the broker
 * stores a non-envelope as a plain message; a client treats a bad ack as an error).
 */
public final class EnvelopeException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why the bytes were refused, in the order the decoder checks. */
    public enum Reason {
        /** Fewer than 8 bytes: not an envelope at all. */
        TOO_SHORT(false),
        /** The first four bytes are not the magic: not an envelope at all. */
        BAD_MAGIC(false),
        /** A version other than 0. */
        BAD_VERSION(true),
        /** A message type other than the one expected in this context (or undefined). */
        WRONG_TYPE(true),
        /** A header length below 8, beyond the buffer, or other than 12 with the CRC flag. */
        BAD_HEADER_LENGTH(true),
        /** The CRC-32C of the payload does not match the header. */
        BAD_CRC(true),
        /** The payload is not a valid protobuf message of the expected type. */
        BAD_PAYLOAD(true);

        private final boolean magicMatched;

        Reason(boolean magicMatched) {
            this.magicMatched = magicMatched;
        }

        /** True when the bytes carried the envelope magic, i.e. they were meant as an envelope. */
        public boolean magicMatched() {
            return magicMatched;
        }
    }

    private final Reason reason;

    public EnvelopeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public EnvelopeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
