package lb.broker.raft;

import java.io.IOException;

/** Persisted Raft state failed its checksum in a way the server cannot safely repair (e.g. the term/vote file). */
public final class CorruptStateException extends IOException {
    public CorruptStateException(String message) { super(message); }
}
