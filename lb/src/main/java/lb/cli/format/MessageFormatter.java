package lb.cli.format;

import java.io.IOException;
import java.io.OutputStream;

/** Writes messages in one output format. Implementations are stateless and thread-safe. */
public interface MessageFormatter {

    /**
     * Writes {@code m}, the {@code n}-th message of this run (from 1), to {@code out}.
     */
    void write(MessageView m, long n, OutputStream out) throws IOException;
}
