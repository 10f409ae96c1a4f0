package lb.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code lb context}: named connection settings (see {@link Contexts}). */
@Command(name = "context", aliases = "ctx", mixinStandardHelpOptions = true,
        description = {"Named connection settings. Precedence for every setting: flag > environment > "
            + "selected context > default.", "Stored in $XDG_CONFIG_HOME/lb/contexts/NAME.yaml (default ~/.config)."},
        subcommands = {ContextCommand.Add.class, ContextCommand.Use.class, ContextCommand.ListCmd.class,
            ContextCommand.Show.class, ContextCommand.Edit.class, ContextCommand.Rm.class, ContextCommand.Current.class,
            ContextCommand.Prompt.class, ContextCommand.Previous.class})
final class ContextCommand {

    /** {@code lb context add}. */
    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Create or replace a context from the global flags -s, --timeout, --tls, --tls-ca, "
                + "--tls-cert and --tls-key (not from the environment). TLS files must exist; they are stored "
                + "as absolute paths."},
            footerHeading = "%nExamples:%n",
            footer = {"  lb context add prod -s b1:9292,b2:9292 --timeout 3s --select",
                "  lb context add secure -s b1:9443 --tls-ca ca.pem --tls-cert me.pem --tls-key me.key"})
    static final class Add extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Context name.")
        String name;
        @Option(names = "--description", paramLabel = "TEXT", description = "What this context is for.")
        String description;
        @Option(names = "--select", description = "Also select it.")
        boolean select;

        @Override
        int execute() {
            ConnectionOptions flags = root().connection;
            if (flags.servers == null) {
                throw new UsageException("give the context's brokers with -s/--servers HOST:PORT[,...]");
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("servers", flags.servers);
            putIfGiven(m, "timeout", flags.timeout);
            putIfGiven(m, "description", description);
            putIfGiven(m, "tls", flags.tls == null ? null : flags.tls.toString());
            putIfGiven(m, "tls-ca", absolute(flags.tlsCa));
            putIfGiven(m, "tls-cert", absolute(flags.tlsCert));
            putIfGiven(m, "tls-key", absolute(flags.tlsKey));
            try {
                Contexts.checkName(name);
                Contexts.validate(m);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            Contexts c = Contexts.of(io());
            c.write(name, m);
            if (select) {
                c.select(name);
            }
            status("saved context %s%s", name, select ? " and selected it" : "");
            return ExitCodes.OK;
        }

        private static void putIfGiven(Map<String, String> m, String key, String value) {
            if (value != null) {
                m.put(key, value);
            }
        }

        /** A file given relative to the working directory, as it reads from anywhere later. */
        private static String absolute(String file) {
            return file == null ? null : Path.of(file).toAbsolutePath().normalize().toString();
        }
    }

    /** {@code lb context use}. */
    @Command(name = "use", aliases = "select", description = "Select a context for later commands ('-': the previous one).",
            mixinStandardHelpOptions = true)
    static final class Use extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Context name, or - for the previously selected one.")
        String name;

        @Override
        int execute() {
            return use(this, name);
        }
    }

    /** Selects {@code name} ("-": the previous context) for {@code use} and {@code -}. */
    static int use(BaseCommand cmd, String name) {
        Contexts c = Contexts.of(cmd.io());
        if (name.equals("-")) {
            name = c.previous();
            if (name == null) {
                cmd.err().println("lb: no previous context (select one with 'lb context use NAME' first)");
                return ExitCodes.NOT_FOUND;
            }
        }
        if (!c.exists(name)) {
            throw new ConnectionOptions.ContextNotFoundException(name);
        }
        c.select(name);
        cmd.status("using context %s", name);
        return ExitCodes.OK;
    }

    /** {@code lb context -}: like {@code cd -} and {@code kubectx -}. */
    @Command(name = "-", description = "Switch to the previously selected context (like cd -).", mixinStandardHelpOptions = true)
    static final class Previous extends BaseCommand {
        @Override
        int execute() {
            return use(this, "-");
        }
    }

    /** {@code lb context edit}. */
    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = {"Edit a context in $VISUAL or $EDITOR (default vi); saved only when it is still valid.",
                "Needs a terminal. An invalid edit is kept beside the context for another try, the context stays as it was."})
    static final class Edit extends BaseCommand {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Context (default: the selected one).")
        String name;

        /**
         * 1. copy the context to a temp file beside it (a crash leaves a stray .edit- file, the
         * context untouched); 2. run the editor on the copy; 3. validate; 4. rename the copy over
         * the context (atomic) or, when invalid, leave both and say where the edit is.
         */
        @Override
        int execute() throws IOException, InterruptedException {
            Io io = io();
            if (!io.inTty || !io.outTty) {
                err().println("lb: context edit needs a terminal (use 'lb context add NAME -s ...' in scripts)");
                return ExitCodes.USAGE;
            }
            Contexts c = Contexts.of(io);
            String n = name != null ? name : c.current();
            if (n == null) {
                err().println("lb: no context selected; name one: lb context edit NAME");
                return ExitCodes.NOT_FOUND;
            }
            if (!c.exists(n)) {
                throw new ConnectionOptions.ContextNotFoundException(n);
            }
            Path original = c.path(n);
            Path copy = Files.createTempFile(original.getParent(), ".edit-" + n + "-", ".yaml");
            Files.copy(original, copy, StandardCopyOption.REPLACE_EXISTING);
            String editor = io.env("VISUAL") != null ? io.env("VISUAL") : io.env("EDITOR") != null ? io.env("EDITOR") : "vi";
            // As git runs editors: through sh, so EDITOR may carry arguments ("code -w").
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", editor + " \"$@\"", editor, copy.toString()).inheritIO();
            pb.environment().clear();
            pb.environment().putAll(io.env);
            int rc = pb.start().waitFor();
            if (rc != 0) {
                Files.deleteIfExists(copy);
                err().println("lb: the editor exited with " + rc + "; context " + n + " not changed");
                return ExitCodes.FAILURE;
            }
            try {
                Contexts.validate(Contexts.parse(copy));
            } catch (IllegalArgumentException | IllegalStateException e) {
                err().println("lb: context " + n + " not saved: " + e.getMessage() + "; your edit is in " + copy);
                return ExitCodes.USAGE;
            }
            c.replace(n, copy);
            status("saved context %s", n);
            return ExitCodes.OK;
        }
    }

    /** {@code lb context prompt}. */
    @Command(name = "prompt", mixinStandardHelpOptions = true,
            description = {"Print a shell-prompt fragment: the context and its brokers (no network), such as",
                "  lb:prod(b1:9292,+1)",
                "Prints nothing when no context is in use. In bash:",
                "  PS1='$(lb context prompt 2>/dev/null) '$PS1"})
    static final class Prompt extends BaseCommand {
        @Override
        int execute() {
            return prompt(io(), root().connection, out());
        }
    }

    /**
     * Prints the prompt fragment of {@code lb context prompt} (nothing when no context is in use);
     * also run by {@link Main} without the command tree, since a PS1 calls it on every prompt.
     */
    static int prompt(Io io, ConnectionOptions connection, java.io.PrintWriter out) {
        ConnectionOptions.Resolved r = connection.resolve(io);
        String ctx = r.context().value();
        if (ctx.isEmpty()) {
            return ExitCodes.OK;
        }
        out.println("lb:" + ctx + "(" + shortServers(r.seeds()) + ")");
        return ExitCodes.OK;
    }

    /** The first broker, and how many more: b1:9292,+2. */
    static String shortServers(String[] seeds) {
        String first = seeds.length == 0 ? "" : seeds[0].strip();
        return seeds.length > 1 ? first + ",+" + (seeds.length - 1) : first;
    }

    /** {@code lb context list}. */
    @Command(name = "list", aliases = "ls", description = "List contexts; * marks the selected one.", mixinStandardHelpOptions = true)
    static final class ListCmd extends BaseCommand {
        @Mixin
        Output output;

        @Override
        int execute() {
            Contexts c = Contexts.of(io());
            String cur = c.current();
            if (output.structured()) {
                ArrayNode a = Output.json().createArrayNode();
                for (String n : c.names()) {
                    ObjectNode o = a.addObject().put("name", n).put("selected", n.equals(cur));
                    c.read(n).forEach(o::put);
                }
                output.print(out(), a);
                return ExitCodes.OK;
            }
            Output.Table t = new Output.Table("", "NAME", "SERVERS", "TLS", "DESCRIPTION");
            for (String n : c.names()) {
                Map<String, String> m = c.read(n);
                t.row(n.equals(cur) ? "*" : "", n, m.getOrDefault("servers", ""), tls(m),
                        m.getOrDefault("description", ""));
            }
            t.print(out(), false);
            return ExitCodes.OK;
        }

        /** How a context connects: mutual (client certificate), yes (server verified), no. */
        static String tls(Map<String, String> m) {
            if (m.containsKey("tls-cert")) {
                return "mutual";
            }
            return m.containsKey("tls-ca") || "true".equals(m.get("tls")) ? "yes" : "no";
        }
    }

    /** {@code lb context show}. */
    @Command(name = "show", description = "Show a context, or with --resolved every effective setting and its source.",
            mixinStandardHelpOptions = true)
    static final class Show extends BaseCommand {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "Context (default: the selected one).")
        String name;
        @Option(names = "--resolved", description = "Effective settings after flags, environment and context, with sources.")
        boolean resolved;
        @Mixin
        Output output;

        @Override
        int execute() {
            if (resolved) {
                ConnectionOptions.Resolved r = root().connection.resolve(io());
                if (output.structured()) {
                    ObjectNode o = Output.object();
                    for (ConnectionOptions.Setting s : r.all()) {
                        o.putObject(s.name()).put("value", s.value()).put("source", s.source());
                    }
                    output.print(out(), o);
                } else {
                    Output.Table t = new Output.Table("SETTING", "VALUE", "SOURCE");
                    r.all().forEach(s -> t.row(s.name(), s.value().isEmpty() ? "-" : s.value(), s.source()));
                    t.print(out(), false);
                }
                return ExitCodes.OK;
            }
            Contexts c = Contexts.of(io());
            String n = name != null ? name : c.current();
            if (n == null) {
                err().println("lb: no context selected (see 'lb context use')");
                return ExitCodes.NOT_FOUND;
            }
            Map<String, String> m = c.read(n);
            if (m == null) {
                throw new ConnectionOptions.ContextNotFoundException(n);
            }
            if (output.structured()) {
                ObjectNode o = Output.object().put("name", n);
                m.forEach(o::put);
                output.print(out(), o);
            } else {
                out().println("name: " + n);
                m.forEach((k, v) -> out().println(k + ": " + v));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code lb context rm}. */
    @Command(name = "rm", aliases = "remove", description = "Remove a context.", mixinStandardHelpOptions = true)
    static final class Rm extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Context name.")
        String name;

        @Override
        int execute() {
            if (!Contexts.of(io()).remove(name)) {
                throw new ConnectionOptions.ContextNotFoundException(name);
            }
            status("removed context %s", name);
            return ExitCodes.OK;
        }
    }

    /** {@code lb context current}. */
    @Command(name = "current", description = "Print the selected context's name.", mixinStandardHelpOptions = true)
    static final class Current extends BaseCommand {
        @Override
        int execute() {
            String cur = Contexts.of(io()).current();
            if (cur == null) {
                return ExitCodes.NOT_FOUND;
            }
            out().println(cur);
            return ExitCodes.OK;
        }
    }
}
