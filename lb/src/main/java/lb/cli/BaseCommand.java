package lb.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import lb.client.LiftbridgeClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every lb subcommand shares: the run's {@link Io}, the global options and a client opened
 * on first use and closed when the command ends. Runs on the caller's thread.
 */
abstract class BaseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private LiftbridgeClient client;
    /** Async publishes allowed in flight by the client (0: its default); set before {@link #client()}. */
    int maxInFlight;

    LbCommand root() {
        return (LbCommand) spec.root().userObject();
    }

    Io io() {
        return root().io();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean quiet() {
        return root().quiet;
    }

    /** The client, connected on first use. */
    LiftbridgeClient client() {
        if (client == null) {
            client = root().connection.connect(io(), maxInFlight);
        }
        return client;
    }

    @Override
    public final Integer call() throws Exception {
        GrpcLogging.quiet();
        try {
            for (CommandSpec mixin : spec.mixins().values()) {
                if (mixin.userObject() instanceof Output o) {
                    o.structured(); // a bad --format is a usage error before anything connects
                }
            }
            return execute();
        } finally {
            if (client != null) {
                client.close();
            }
            out().flush();
            io().out.flush();
        }
    }

    /** Runs the command; returns its exit code. */
    abstract int execute() throws Exception;

    /** Prints a status line on stderr unless --quiet. */
    void status(String fmt, Object... args) {
        if (!quiet()) {
            err().printf("lb: " + fmt + "%n", args);
            err().flush();
        }
    }
}
