package lb.cli;

import java.io.PrintWriter;
import lb.client.LiftbridgeException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become CLI exit codes (CLI.md "Exit codes") and one-line
 * messages; LB_DEBUG=1 adds the stack trace.
 */
final class Errors implements IExecutionExceptionHandler {

    /** The exit code for a client failure. */
    static int exitCode(LiftbridgeException e) {
        if (e == null) {
            return ExitCodes.FAILURE;
        }
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
        return report(ex, cl.getErr(), cl.getCommandSpec().qualifiedName());
    }

    /**
     * Says what went wrong on {@code err} (one line; a hint to {@code command --help} for usage
     * errors) and returns the exit code; also for the paths that run without a command tree.
     */
    static int report(Exception ex, PrintWriter err, String command) {
        int code;
        if (ex instanceof LiftbridgeException le) {
            code = exitCode(le);
        } else if (ex instanceof UsageException || ex instanceof CommandLine.TypeConversionException
                || ex instanceof CommandLine.ParameterException) {
            code = ExitCodes.USAGE;
        } else if (ex instanceof ConnectionOptions.ContextNotFoundException) {
            code = ExitCodes.NOT_FOUND;
        } else {
            code = ExitCodes.FAILURE;
        }
        err.println("lb: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
        if (code == ExitCodes.USAGE) {
            err.println("Run '" + command + " --help' for usage.");
        }
        if (ex instanceof LiftbridgeException le && le.kind() == LiftbridgeException.Kind.UNAVAILABLE
                && String.valueOf(le.getMessage()).startsWith("no broker reachable")) {
            err.println("Is a broker running there? Start one with 'lb broker start', or name yours with "
                    + "-s HOST:PORT, LB_SERVERS or a context ('lb context list').");
        }
        if ("1".equals(System.getenv("LB_DEBUG"))) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
