package lb.broker.nats;

/**
 * Receives the operations that {@link ProtocolParser} decodes from one client connection.
 *
 * <p>Called on the thread that runs the parser (the connection's I/O thread). Byte ranges passed
 * in are views into buffers the parser reuses: valid only during the call, never to be kept.
 */
interface ProtocolHandler {

    /** {@code CONNECT <json>}: the JSON text is {@code buf[off, off+len)}. */
    void onConnect(byte[] buf, int off, int len) throws ProtocolException;

    /**
     * {@code PUB} or {@code HPUB} with its payload.
     *
     * @param args buffer holding subject and reply
     * @param replyLen 0 when there is no reply subject
     * @param headerLen -1 for PUB (no headers), else the header length within the payload
     * @param payload buffer holding {@code totalLen} payload bytes at {@code payloadOff}
     */
    void onPub(byte[] args, int subjectOff, int subjectLen, int replyOff, int replyLen,
               byte[] payload, int payloadOff, int headerLen, int totalLen) throws ProtocolException;

    /** {@code SUB subject [queue] sid}; queue is null when absent. */
    void onSub(String subject, String queue, String sid) throws ProtocolException;

    /** {@code UNSUB sid [max]}; max is -1 when absent or not a number. */
    void onUnsub(String sid, long max) throws ProtocolException;

    void onPing() throws ProtocolException;

    void onPong() throws ProtocolException;

    /** Called before any operation other than CONNECT: lets the handler insist on CONNECT first. */
    void beforeOp(boolean isConnect) throws ProtocolException;
}
