package lb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigException;
import lb.broker.config.ConfigKey;
import lb.broker.config.ConfigKeys;
import lb.broker.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * {@code lb broker config print|validate}: the configuration a broker would run with, loaded
 * exactly as {@code lb broker start} loads it (the broker's {@code ConfigLoader}: defaults,
 * then the file, then LIFTBRIDGE_* variables for settings in the file, then flags), and the
 * problems of a file, each with its line. Needs no broker; runs on the caller's thread.
 */
@Command(name = "config", description = "Print the effective broker configuration, or validate a file.",
        mixinStandardHelpOptions = true,
        subcommands = {BrokerConfigCommand.Print.class, BrokerConfigCommand.Validate.class})
final class BrokerConfigCommand {

    private static final Pattern SETTING = Pattern.compile("setting \"([^\"]+)\"");
    private static final Pattern LINE = Pattern.compile("\\(line (\\d+), column \\d+\\)");

    /** {@code lb broker config print}. */
    @Command(name = "print", mixinStandardHelpOptions = true,
            description = {"Print the configuration a broker would start with (ro): every setting with its value, "
                + "from the defaults, the --config file, LIFTBRIDGE_* variables and flags, in that order of precedence.",
                "--format yaml (the default) is itself a valid configuration file; text adds each value's source."},
            footerHeading = "%nExamples:%n",
            footer = {"  lb broker config print                       # the defaults",
                "  lb broker config print -c lb.yaml --port 9300 --format text",
                "  lb broker config print -X streams.retention.max.age=24h --json"})
    static final class Print extends BaseCommand {
        @Mixin
        BrokerConfigOptions options = new BrokerConfigOptions();
        @Mixin
        Output output = Output.defaulting("yaml");

        @Override
        int execute() {
            var overrides = options.overrides();
            BrokerConfig cfg;
            try {
                cfg = ConfigLoader.load(options.config, overrides, io().env);
            } catch (ConfigException e) {
                return report(err(), options.config, e, text(options.config));
            }
            Map<String, Object> values = values(cfg);
            PrintWriter out = out();
            if (output.structured()) {
                output.print(out, values);
                return ExitCodes.OK;
            }
            Output.Table t = new Output.Table("KEY", "VALUE", "SOURCE");
            for (ConfigKey<?> k : ConfigKeys.ALL) {
                Object v = values.get(k.name());
                t.row(k.name(), v == null ? "-" : v.toString(), source(cfg, k, v));
            }
            t.print(out, false);
            return ExitCodes.OK;
        }

        private String source(BrokerConfig cfg, ConfigKey<?> k, Object v) {
            String flag = options.flagFor(k.name());
            if (flag != null) {
                return "flag " + flag;
            }
            if (cfg.isSet(k)) {
                String env = "LIFTBRIDGE_" + k.name().toUpperCase(Locale.ROOT).replace('.', '_');
                return io().env(env) != null ? "env " + env : "file " + options.config;
            }
            if (v == null) {
                return "unset";
            }
            return k.defaultValue() == null ? "derived" : "default";
        }
    }

    /** {@code lb broker config validate}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check a broker configuration file as 'lb broker start' would (ro): every problem, "
                + "each with its line and setting; exit 2 when there is any.",
                "Flags given here are checked with the file, as they would be at start-up."},
            footerHeading = "%nExamples:%n",
            footer = {"  lb broker config validate lb.yaml",
                "  lb broker config validate lb.yaml --json"})
    static final class Validate extends BaseCommand {
        @Parameters(paramLabel = "FILE", description = "The YAML configuration file.")
        Path file;
        @Mixin
        BrokerConfigOptions options = new BrokerConfigOptions();
        @Mixin
        Output output;

        @Override
        int execute() {
            if (options.config != null) {
                throw new UsageException("give the file as FILE, not with --config");
            }
            boolean structured = output.structured();
            String text = text(file);
            if (text == null) {
                err().println("lb: no such file: " + file);
                return ExitCodes.NOT_FOUND;
            }
            List<Problem> problems = new ArrayList<>();
            try {
                ConfigLoader.load(text, file.toString(), options.overrides(), io().env);
            } catch (ConfigException e) {
                problems.addAll(problems(e, text));
            }
            if (structured) {
                ObjectNode o = Output.object();
                o.put("file", file.toString());
                o.put("valid", problems.isEmpty());
                ArrayNode a = o.putArray("errors");
                for (Problem p : problems) {
                    ObjectNode po = a.addObject();
                    if (p.line() > 0) {
                        po.put("line", p.line());
                    } else {
                        po.putNull("line");
                    }
                    if (p.key() != null) {
                        po.put("key", p.key());
                    } else {
                        po.putNull("key");
                    }
                    po.put("message", p.message());
                }
                output.print(out(), o);
            } else if (problems.isEmpty()) {
                out().println(file + ": valid");
            } else {
                print(err(), file, problems);
            }
            return problems.isEmpty() ? ExitCodes.OK : ExitCodes.USAGE;
        }
    }

    /** One problem of a configuration: its line in the file (0 when unknown) and setting (or null). */
    record Problem(int line, String key, String message) {
    }

    /** The problems of {@code e}, located in the file's {@code text} (null: no file). */
    static List<Problem> problems(ConfigException e, String text) {
        Map<String, Integer> lines = text == null ? Map.of() : lines(text);
        List<Problem> out = new ArrayList<>();
        for (String p : e.problems()) {
            Matcher s = SETTING.matcher(p);
            String key = s.find() ? s.group(1) : null;
            int line = key == null ? 0 : lines.getOrDefault(key, 0);
            Matcher l = LINE.matcher(p);
            if (line == 0 && l.find()) {
                line = Integer.parseInt(l.group(1));
            }
            out.add(new Problem(line, key, p));
        }
        out.sort((a, b) -> Integer.compare(a.line() == 0 ? Integer.MAX_VALUE : a.line(),
                b.line() == 0 ? Integer.MAX_VALUE : b.line()));
        return out;
    }

    /** Prints problems compiler-style: {@code FILE:LINE: message}. */
    static void print(PrintWriter err, Path file, List<Problem> problems) {
        for (Problem p : problems) {
            err.println((file == null ? "" : file + ":") + (p.line() > 0 ? p.line() + ": " : (file == null ? "" : " "))
                    + p.message());
        }
        err.printf("lb: %d problem%s%n", problems.size(), problems.size() == 1 ? "" : "s");
        err.flush();
    }

    static int report(PrintWriter err, Path file, ConfigException e, String text) {
        err.println("lb: invalid configuration:");
        print(err, file, problems(e, text));
        return ExitCodes.USAGE;
    }

    /** The file's text, or null when there is no file or it cannot be read. */
    static String text(Path file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The line of each setting in a YAML text, by its dotted name (nested mappings joined with
     * dots, as the broker flattens them); empty when the text is not YAML.
     */
    static Map<String, Integer> lines(String yaml) {
        Map<String, Integer> out = new HashMap<>();
        List<String> path = new ArrayList<>();
        try (JsonParser p = YAMLMapper.builder().build().createParser(yaml)) {
            JsonToken t;
            String pending = null;
            int pendingLine = 0;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case PROPERTY_NAME -> {
                        pending = p.currentName();
                        pendingLine = p.currentTokenLocation().getLineNr();
                        String full = path.isEmpty() ? pending : String.join(".", path) + "." + pending;
                        out.putIfAbsent(full, pendingLine);
                    }
                    case START_OBJECT -> {
                        if (pending != null) {
                            path.add(pending);
                        }
                        pending = null;
                    }
                    case END_OBJECT -> {
                        if (!path.isEmpty()) {
                            path.removeLast();
                        }
                    }
                    case START_ARRAY -> p.skipChildren();
                    default -> pending = null;
                }
            }
        } catch (RuntimeException e) {
            // Not YAML: the loader reports that with its own line; settings stay unlocated.
            return out;
        }
        return out;
    }

    /** Every setting with a value, by name, as YAML scalars and lists (durations in Go syntax). */
    static Map<String, Object> values(BrokerConfig cfg) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> all = cfg.asMap();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            Object v = all.get(k.name());
            if (v == null) {
                continue;
            }
            m.put(k.name(), v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof List<?>
                    ? v : v.toString());
        }
        return m;
    }
}
