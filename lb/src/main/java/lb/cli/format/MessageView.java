package lb.cli.format;

import io.liftbridge.proto.Api;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One message as the output formats see it: the fields of a Subscribe {@code Message}, with the
 * broker-added {@code subject}/{@code reply} headers left in the header map as stored.
 *
 * @param key null when the message has no key (the wire cannot tell an empty key from none)
 * @param headers in name order, so output is stable
 */
public record MessageView(String stream, int partition, long offset, long timestampNs,
                          String subject, String replySubject, byte[] key, byte[] value,
                          Map<String, byte[]> headers, String correlationId) {

    public MessageView {
        headers = Collections.unmodifiableMap(new TreeMap<>(headers));
    }

    /** The view of a message received from Subscribe. */
    public static MessageView of(Api.Message m) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        m.getHeadersMap().forEach((k, v) -> headers.put(k, v.toByteArray()));
        return new MessageView(m.getStream(), m.getPartition(), m.getOffset(), m.getTimestamp(),
                m.getSubject(), m.getReplySubject(),
                m.getKey().isEmpty() ? null : m.getKey().toByteArray(), m.getValue().toByteArray(),
                headers, m.getCorrelationId());
    }
}
