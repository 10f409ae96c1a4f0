package lb.broker.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A stored entry failed its CRC or framing check. The log refuses to serve the affected range
 * (reads that reach it throw this) instead of crashing or serving garbage; the rest of the log
 * stays readable. Carries the segment file and the byte position of the bad entry.
 */
public final class LogCorruptionException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long position;

    public LogCorruptionException(Path file, long position, String what) {
        super("corrupt log entry in " + file + " at position " + position + ": " + what
                + " (the range from there is not served; restore the partition from a replica)");
        this.file = file;
        this.position = position;
    }

    public Path file() {
        return file;
    }

    public long position() {
        return position;
    }
}
