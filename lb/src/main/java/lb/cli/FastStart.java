package lb.cli;

import java.io.PrintWriter;

/**
 * Command lines that must answer in a blink and run without picocli's command tree, whose
 * construction (every command class and annotation read by reflection) costs more than the rest
 * of such a run together:
 * <ul>
 *   <li>{@code lb __complete KIND [STREAM]}: the shell waits on it for every Tab;</li>
 *   <li>{@code lb context prompt} (or {@code ctx prompt}): a PS1 runs it for every prompt.</li>
 * </ul>
 * Only these exact shapes, with no option and no {@code @file} argument, take the fast path;
 * anything else returns null and goes through the tree. The fast path runs the same code as the
 * commands ({@link LiveNames}, {@link ContextCommand#prompt}) with no flags, and reports failures
 * through {@link Errors#report} as the tree does, so output and exit codes are the same.
 * Stateless; runs on the caller's thread.
 */
final class FastStart {

    private FastStart() {
    }

    /** Runs {@code args} on a fast path and returns the exit code, or null when they need the tree. */
    static Integer run(Io io, String[] args) {
        for (String a : args) {
            if (a.startsWith("-") || a.startsWith("@")) {
                return null; // options and argument files: picocli's to parse
            }
        }
        if (args.length >= 1 && args.length <= 3 && args[0].equals("__complete")) {
            return run(io, "lb __complete", (out, err) -> new LiveNames(io, new ConnectionOptions(), out, err,
                    args.length > 1 ? args[1] : null).answer(args.length > 2 ? args[2] : null, false));
        }
        if (args.length == 2 && (args[0].equals("context") || args[0].equals("ctx")) && args[1].equals("prompt")) {
            return run(io, "lb context prompt", (out, err) -> ContextCommand.prompt(io, new ConnectionOptions(), out));
        }
        return null;
    }

    private interface Body {
        int run(PrintWriter out, PrintWriter err);
    }

    private static int run(Io io, String command, Body body) {
        PrintWriter out = io.outWriter();
        PrintWriter err = io.errWriter();
        try {
            return body.run(out, err);
        } catch (RuntimeException e) {
            return Errors.report(e, err, command);
        } finally {
            out.flush();
            err.flush();
            io.out.flush();
        }
    }
}
