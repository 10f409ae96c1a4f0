package lb.cli;

/**
 * Ctrl-C for long-running reads in the standalone CLI: while installed, SIGINT cancels the
 * run's {@link Io} (closing subscriptions) instead of exiting at once, so the command can end
 * cleanly with exit code 130. The previous handler is restored on close. The shell does not use
 * this: JLine delivers Ctrl-C to it and it cancels the running command's Io itself.
 */
final class Signals implements AutoCloseable {

    private final sun.misc.Signal signal = new sun.misc.Signal("INT");
    private final sun.misc.SignalHandler previous;

    private Signals(Io io) {
        previous = sun.misc.Signal.handle(signal, s -> {
            io.cancel();
            // A second Ctrl-C, or a command that does not react within 3 s, exits at once.
            Thread t = new Thread(() -> {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    return;
                }
                Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
            }, "lb-sigint-watchdog");
            t.setDaemon(true);
            t.start();
        });
    }

    /** Installs the handler when {@code io} is the process's own; otherwise does nothing. */
    static AutoCloseable install(Io io) {
        if (!io.processSignals) {
            return () -> { };
        }
        try {
            return new Signals(io);
        } catch (IllegalArgumentException e) {
            return () -> { }; // SIGINT not available here (e.g. ignored by the parent shell)
        }
    }

    @Override
    public void close() {
        sun.misc.Signal.handle(signal, previous);
    }
}
