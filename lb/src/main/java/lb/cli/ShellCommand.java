package lb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import lb.shell.CommandTreeCompleter;
import lb.shell.Shell;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lb shell}: the lb command tree in an interactive JLine shell (lb-shell), without the
 * {@code lb} prefix. Completes live stream names and partitions from a {@link MetadataCache};
 * keeps history in {@code $XDG_STATE_HOME/lb/history}; the prompt shows the context and whether
 * the brokers answer; a two-row pane at the bottom describes the command or option under the
 * cursor ({@code LB_SHELL_HINTS=0} turns it off). Shell-only verbs: {@code use CONTEXT},
 * {@code exit}, {@code quit}.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Interactive shell: every lb command without the 'lb' prefix, with completion of "
            + "commands, options and live stream names; history; Ctrl-C stops a running tail.",
            "Shell-only: 'use CONTEXT' switches context for this session; 'exit', 'quit' or Ctrl-D leaves.",
            "A pane at the bottom describes the command or option under the cursor (LB_SHELL_HINTS=0 turns it off); "
                + "grey text after the cursor is the last matching history line (Right arrow or End accepts it)."})
final class ShellCommand extends BaseCommand {

    @Override
    int execute() throws IOException {
        Io io = io();
        if (!io.inTty) {
            err().println("lb: the shell needs a terminal (stdin is not one)");
            return ExitCodes.USAGE;
        }
        try (Terminal t = TerminalBuilder.builder().name("lb").system(true).build()) {
            return runShell(t, historyFile(io));
        }
    }

    static Path historyFile(Io io) {
        String xdg = io.env("XDG_STATE_HOME");
        Path base = xdg != null ? Path.of(xdg) : Path.of(Contexts.homeOf(io), ".local", "state");
        return base.resolve("lb").resolve("history");
    }

    /** Runs the shell on {@code terminal} (tests pass a virtual terminal). */
    int runShell(Terminal terminal, Path history) throws IOException {
        Io base = io();
        ConnectionOptions conn = root().connection;
        Map<String, String> env = new HashMap<>(base.env);
        // Global flags given to `lb shell` hold for every line, as flags would.
        if (conn.servers != null) {
            env.put("LB_SERVERS", conn.servers);
        }
        if (conn.timeout != null) {
            env.put("LB_TIMEOUT", conn.timeout);
        }
        if (conn.context != null) {
            env.put("LB_CONTEXT", conn.context);
        }
        Session session = new Session(terminal, env, base.env("LB_CONTEXT") != null || conn.context != null
                ? env.get("LB_CONTEXT") : null);
        try {
            Shell shell = new Shell(terminal, Main.newCommandLine(base).getCommandSpec(), session,
                    session::values, session::prompt, history, !"0".equals(base.env("LB_SHELL_HINTS")));
            return shell.run();
        } finally {
            session.close();
        }
    }

    /** The state of one shell session: its context, the metadata cache, the running command. */
    private static final class Session implements Shell.Runner, AutoCloseable {
        private final Terminal terminal;
        private final Map<String, String> env;
        private MetadataCache cache;
        private volatile Io running;

        Session(Terminal terminal, Map<String, String> env, String context) {
            this.terminal = terminal;
            this.env = env;
            if (context != null) {
                env.put("LB_CONTEXT", context);
            }
            reconnect();
        }

        private void reconnect() {
            if (cache != null) {
                cache.close();
            }
            Io io = io(InputStream.nullInputStream());
            LbCommand root = new LbCommand(io);
            try {
                cache = new MetadataCache(root.connection.connect(io));
            } catch (RuntimeException e) {
                cache = null;
                terminal.writer().println("lb: " + e.getMessage());
            }
        }

        private Io io(InputStream in) {
            PrintStream out = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
            boolean tty = !Terminal.TYPE_DUMB.equals(terminal.getType());
            return new Io(in, out, out, false, tty, tty, env);
        }

        String prompt() {
            String ctx = env.get("LB_CONTEXT");
            if (ctx == null) {
                ctx = Contexts.of(io(InputStream.nullInputStream())).current();
            }
            String state;
            if (cache == null) {
                state = "?";
            } else {
                MetadataCache.Snapshot s = cache.get();
                state = s.reachable() ? s.brokers() + "/" + s.brokers() : "down";
            }
            return "lb " + (ctx == null ? "" : ctx + " ") + state + "> ";
        }

        /**
         * Live values for a parameter, by the same rules as the completion scripts
         * ({@link CompletionTree#liveKind}); streams and partitions from this session's metadata
         * cache, contexts from the context files, groups from lb __complete's file cache.
         */
        List<String> values(CommandSpec command, ArgSpec param, List<String> words) {
            String kind = CompletionTree.liveKind(command, param);
            if (kind == null) {
                return List.of();
            }
            Io io = io(InputStream.nullInputStream());
            if (kind.equals("contexts")) {
                return Contexts.of(io).names();
            }
            if (kind.equals("groups")) {
                try {
                    CompletionCache.Entry e = CompletionCache.of(io, new LbCommand(io).connection.resolve(io)
                            .servers().value()).read();
                    return e == null ? List.of() : e.groups();
                } catch (RuntimeException e) {
                    return List.of(); // no context or no cache: nothing to offer, completion goes on
                }
            }
            if (cache == null) {
                return List.of();
            }
            if (kind.equals("streams")) {
                return cache.streams();
            }
            // Partitions of the first word naming a known stream.
            Map<String, Integer> parts = cache.get().partitions();
            for (String w : words) {
                Integer n = parts.get(w);
                if (n != null) {
                    return IntStream.range(0, n).mapToObj(Integer::toString).toList();
                }
            }
            return List.of();
        }

        @Override
        public int run(List<String> words, Terminal t) {
            List<String> args = new ArrayList<>(words);
            if (args.get(0).equals("lb")) {
                args.remove(0);
            }
            if (!args.isEmpty() && args.get(0).equals("use") && args.size() == 2) {
                Io io = io(InputStream.nullInputStream());
                if (!Contexts.of(io).exists(args.get(1))) {
                    t.writer().println("lb: no such context: " + args.get(1));
                    t.writer().flush();
                    return ExitCodes.NOT_FOUND;
                }
                env.put("LB_CONTEXT", args.get(1));
                env.remove("LB_SERVERS");
                reconnect();
                return ExitCodes.OK;
            }
            if (!args.isEmpty() && args.get(0).equals("shell")) {
                t.writer().println("lb: already in the shell");
                t.writer().flush();
                return ExitCodes.USAGE;
            }
            Io io = io(InputStream.nullInputStream());
            running = io;
            try {
                int code = Main.run(io, args.toArray(String[]::new));
                io.out.flush();
                if (!args.isEmpty() && (args.get(0).equals("stream") || args.get(0).equals("context")) && cache != null) {
                    if (args.get(0).equals("context")) {
                        reconnect();
                    } else {
                        cache.refresh();
                    }
                }
                return code;
            } finally {
                running = null;
            }
        }

        @Override
        public void interrupt() {
            Io io = running;
            if (io != null) {
                io.cancel();
            }
        }

        @Override
        public void close() {
            if (cache != null) {
                cache.close();
            }
        }
    }
}
