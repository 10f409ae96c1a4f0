package lb.broker.nats;

/**
 * A client broke the NATS protocol badly enough that its connection must close.
 *
 * <p>{@link #clientError()} is the text sent as {@code -ERR '<text>'} before closing, exactly as
 * nats-server words it, or {@code null} when nats-server closes without a word (argument parse
 * errors such as {@code PUB foo bar}). The exception message is for the server log only.
 */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    static final String UNKNOWN_OP = "Unknown Protocol Operation";
    static final String MAX_PAYLOAD = "Maximum Payload Violation";
    static final String MAX_CONTROL_LINE = "maximum control line exceeded";
    static final String AUTH_VIOLATION = "Authorization Violation";
    static final String AUTH_TIMEOUT = "Authentication Timeout";
    static final String STALE = "Stale Connection";
    static final String INVALID_SUBJECT = "Invalid Subject";
    static final String INVALID_PUB_SUBJECT = "Invalid Publish Subject";
    static final String NO_RESPONDERS_NEEDS_HEADERS = "no responders requires headers support";

    private final String clientError;

    ProtocolException(String clientError, String logMessage) {
        super(logMessage, null, false, false);
        this.clientError = clientError;
    }

    /** The {@code -ERR} text for the client, or null to close silently as nats-server does. */
    String clientError() {
        return clientError;
    }
}
