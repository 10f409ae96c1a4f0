package lb.cli;

import java.io.PrintWriter;
import lb.client.LiftbridgeException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become CLI exit codes (CLI.md "Exit codes") and one-line
 * messages; {@code --debug} (or LB_DEBUG=1) adds the stack trace.
 */
final class Errors implements IExecutionExceptionHandler {

    /** The exit code for a client failure. */
    static int exitCode(LiftbridgeException e) {
        return switch (e.kind()) {
            case NO_SUCH_STREAM, NO_SUCH_PARTITION, STREAM_DELETED -> ExitCodes.NOT_FOUND;
            case UNAVAILABLE, DEADLINE_EXCEEDED, ACK_TIMEOUT -> ExitCodes.UNAVAILABLE;
            case INVALID_ARGUMENT -> ExitCodes.USAGE;
            case CANCELLED -> ExitCodes.INTERRUPTED;
            default -> ExitCodes.FAILURE;
        };
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof LiftbridgeException le) {
            err.println("lb: " + le.getMessage());
            debug(ex, err);
            return exitCode(le);
        }
        err.println("lb: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        debug(ex, err);
        return ExitCodes.FAILURE;
    }

    private static void debug(Exception ex, PrintWriter err) {
        if ("1".equals(System.getenv("LB_DEBUG"))) {
            ex.printStackTrace(err);
        }
    }
}
