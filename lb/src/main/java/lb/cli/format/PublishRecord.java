package lb.cli.format;

import java.util.Map;

/**
 * A message to publish, as read from an input line.
 *
 * @param stream the stream named in the input, or null
 * @param partition the partition named in the input, or null to let the partitioner choose
 * @param key null for no key
 */
public record PublishRecord(String stream, Integer partition, byte[] key, byte[] value,
                            Map<String, byte[]> headers, String correlationId) {
}
