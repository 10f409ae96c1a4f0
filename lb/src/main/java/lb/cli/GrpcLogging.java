package lb.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * gRPC logs routine events of cancelled calls (e.g. "Received data on closed stream" after a
 * broken pipe or Ctrl-C) at INFO on stderr; a command line shows warnings only. The logger is
 * held here so the level set on it is not lost to garbage collection. Separate from
 * {@link BaseCommand} so paths that never call a broker do not start java.util.logging.
 */
public final class GrpcLogging {

    private static final Logger GRPC = Logger.getLogger("io.grpc");

    private GrpcLogging() {
    }

    /** Warnings only, unless something (a test, a logging.properties) set a level already. */
    public static void quiet() {
        if (GRPC.getLevel() == null) {
            GRPC.setLevel(Level.WARNING);
        }
    }
}
