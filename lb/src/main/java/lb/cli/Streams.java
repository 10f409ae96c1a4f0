package lb.cli;

import io.liftbridge.proto.Api;
import java.util.List;
import lb.client.LiftbridgeClient;
import lb.client.LiftbridgeException;

/** Stream look-ups shared by commands. */
final class Streams {

    private Streams() {
    }

    /** The stream's metadata; a not-found error (exit 3) when it does not exist. */
    static Api.StreamMetadata require(LiftbridgeClient c, String name) {
        Api.FetchMetadataResponse r = c.fetchMetadata(List.of(name), List.of());
        for (Api.StreamMetadata s : r.getStreamMetadataList()) {
            if (s.getName().equals(name) && s.getError() == Api.StreamMetadata.Error.OK) {
                return s;
            }
        }
        throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_STREAM, "no such stream: " + name);
    }

    /** The selected partitions ({@code null} = all), each checked to exist. */
    static int[] select(Api.StreamMetadata s, int[] wanted) {
        if (wanted == null) {
            return s.getPartitionsMap().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        for (int p : wanted) {
            if (!s.getPartitionsMap().containsKey(p)) {
                throw new LiftbridgeException(LiftbridgeException.Kind.NO_SUCH_PARTITION,
                        "no such partition: " + s.getName() + "[" + p + "] (the stream has "
                                + s.getPartitionsCount() + ")");
            }
        }
        return wanted;
    }
}
