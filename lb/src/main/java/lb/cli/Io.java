package lb.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The streams, environment and terminal facts one command line runs with. {@link #system()}
 * is the real process; tests and the shell build their own. Data goes to {@link #out} (bytes,
 * unchanged), everything else to {@link #err}.
 *
 * <p>Threads: the command's thread writes; {@link #cancel()} may be called from a signal
 * handler or the shell's Ctrl-C handler, and runs the registered cancel actions once.
 */
public final class Io {

    /** Data (binary-safe; PrintStream so that a broken pipe shows as {@code checkError()}). */
    public final PrintStream out;
    /** Status, progress, errors. */
    public final PrintStream err;
    public final InputStream in;
    public final boolean inTty;
    public final boolean outTty;
    public final boolean errTty;
    public final Map<String, String> env;
    /** True for the process's own Io: SIGINT may be taken over by long-running commands. */
    public boolean processSignals;
    private final List<Runnable> onCancel = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    public Io(InputStream in, PrintStream out, PrintStream err, boolean inTty, boolean outTty,
              boolean errTty, Map<String, String> env) {
        this.in = in;
        this.inTty = inTty;
        this.out = out;
        this.err = err;
        this.outTty = outTty;
        this.errTty = errTty;
        this.env = Map.copyOf(env);
    }

    /** The process's own stdin, stdout, stderr and environment. */
    public static Io system() {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Io io = new Io(System.in, out, err, isTerminal(0), isTerminal(1), isTerminal(2), System.getenv());
        io.processSignals = true;
        return io;
    }

    /** True when file descriptor {@code fd} is a terminal (Linux: /proc/self/fd/N links to a tty). */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null; // not Linux: the JDK's (coarser) answer
        }
    }

    /** An environment variable, or null. */
    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** Whether colour is allowed on a stream that is (or is not) a terminal. */
    public boolean color(boolean tty) {
        if (env(("NO_COLOR")) != null) {
            return false;
        }
        if (env("CLICOLOR_FORCE") != null && !"0".equals(env("CLICOLOR_FORCE"))) {
            return true;
        }
        return tty && !"dumb".equals(env("TERM"));
    }

    /** A text writer on stdout for tables and help (UTF-8; flush before writing bytes). */
    public PrintWriter outWriter() {
        return new PrintWriter(new java.io.OutputStreamWriter(nonClosing(out), StandardCharsets.UTF_8), true);
    }

    public PrintWriter errWriter() {
        return new PrintWriter(new java.io.OutputStreamWriter(nonClosing(err), StandardCharsets.UTF_8), true);
    }

    private static OutputStream nonClosing(OutputStream o) {
        return new java.io.FilterOutputStream(o) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                o.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Registers an action run once on {@link #cancel()} (e.g. closing a subscription). */
    public void onCancel(Runnable r) {
        onCancel.add(r);
        if (cancelled) {
            r.run();
        }
    }

    public void removeOnCancel(Runnable r) {
        onCancel.remove(r);
    }

    /** Ctrl-C: marks the run cancelled and runs the registered actions. */
    public void cancel() {
        cancelled = true;
        for (Runnable r : onCancel) {
            r.run();
        }
    }

    public boolean cancelled() {
        return cancelled;
    }
}
