package lb.broker.config;

import lb.broker.log.SyncPolicy;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Builds a {@link BrokerConfig} from, in increasing precedence: the defaults of
 * {@link ConfigKeys}, Liftbridge's YAML config file, {@code LIFTBRIDGE_*} environment
 * variables (only for settings present in the file, as upstream), and command-line flags
 * ({@link ConfigOverrides}). Every value is converted and checked, then the settings are
 * checked against each other; all problems are reported together in one
 * {@link ConfigException}, each naming the setting or flag and the bad value.
 *
 * <p>YAML: settings may be flattened ({@code streams.retention.max.age: 24h}), nested
 * ({@code streams: {retention: {max: {age: 24h}}}}) or mixed; the dotted path is what counts.
 * A setting given twice (in both forms) is an error; so is a key no setting has
 * ({@code Unknown configuration setting "<key>"}, upstream's text). A key with no value
 * ({@code host:}) counts as absent. Stateless; any thread.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /** The policy {@code text} names, or null (the caller reports the whole value). */
    private static SyncPolicy parseSync(String text) {
        try {
            return SyncPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Loads the configuration.
     *
     * @param file  the YAML config file ({@code --config}), or null for none
     * @param flags the command-line overrides
     * @param env   the process environment (System.getenv() in production): LIFTBRIDGE_*
     *              overrides, XDG_DATA_HOME and HOME for the default data directory
     * @throws ConfigException listing every problem
     */
    public static BrokerConfig load(Path file, ConfigOverrides flags, Map<String, String> env) {
        String text = null;
        if (file != null) {
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigException("cannot read configuration file " + file + ": " + e, e);
            }
        }
        return load(text, file == null ? null : file.toString(), flags, env);
    }

    /** Same as {@link #load(Path, ConfigOverrides, Map)} with the file's text given (null = no file). */
    public static BrokerConfig load(String yaml, String fileName, ConfigOverrides flags, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        Set<ConfigKey<?>> explicit = new HashSet<>();
        for (ConfigKey<?> k : ConfigKeys.ALL) {
            if (k.defaultValue() != null) {
                values.put(k, k.defaultValue());
            }
        }
        if (yaml != null) {
            Map<String, Object> fromFile = readYaml(yaml, fileName, problems);
            for (var e : fromFile.entrySet()) {
                ConfigKey<?> key = ConfigKeys.byName(e.getKey());
                if (key == null) {
                    problems.add("Unknown configuration setting \"" + e.getKey() + "\"");
                    continue;
                }
                Object raw = e.getValue();
                String source = "configuration setting \"" + key.name() + "\"";
                String envName = "LIFTBRIDGE_" + key.name().toUpperCase(java.util.Locale.ROOT).replace('.', '_');
                String envValue = env.get(envName);
                if (envValue != null) {
                    raw = envValue;
                    source = "environment variable " + envName + " (setting \"" + key.name() + "\")";
                }
                if (raw == null) {
                    continue; // "key:" with no value: absent
                }
                Object v = convert(key, raw, source, problems);
                if (v != null) {
                    values.put(key, v);
                    explicit.add(key);
                }
            }
        }
        for (ConfigOverrides.Override o : flags.values().values()) {
            Object v = convert(o.key(), o.value(), "flag " + o.flag(), problems);
            if (v != null) {
                values.put(o.key(), v);
                explicit.add(o.key());
            }
        }
        BrokerConfig config = new BrokerConfig(values, explicit, env, fileName);
        if (problems.isEmpty()) {
            problems.addAll(config.crossCheck());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    // ------------------------------------------------------------------ YAML

    private static Map<String, Object> readYaml(String yaml, String fileName, List<String> problems) {
        String where = fileName == null ? "configuration file" : "configuration file " + fileName;
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            problems.add(where + " is not valid YAML: " + e.getOriginalMessage()
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
            return Map.of();
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat; // an empty file sets nothing
        }
        if (!root.isObject()) {
            problems.add(where + " must be a mapping of settings (key: value), not a " + describe(root));
            return flat;
        }
        flatten("", root, flat, problems);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out, List<String> problems) {
        for (var e : node.properties()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) { // a mapping is never a value: nats: {embedded: {config: f}} is nats.embedded.config
                flatten(name, v, out, problems);
                continue;
            }
            if (out.containsKey(name)) {
                problems.add("configuration setting \"" + name + "\" is given twice (nested and flattened)");
                continue;
            }
            out.put(name, toRaw(v));
        }
    }

    /** A YAML node as a plain Java value: String, Boolean, Long, BigInteger, BigDecimal, List, Map marker or null. */
    private static Object toRaw(JsonNode v) {
        if (v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? (Object) v.longValue() : v.bigIntegerValue();
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : v.values()) {
                list.add(toRaw(item));
            }
            return list;
        }
        if (v.isObject()) {
            return new NestedMapping(v.toString());
        }
        return v.asString();
    }

    /** A mapping where a single value was expected. */
    private record NestedMapping(String json) {
    }

    private static String describe(JsonNode n) {
        return n.isArray() ? "list" : n.isObject() ? "mapping" : "single value";
    }

    // ------------------------------------------------------------------ conversion

    /** {@code raw} converted to the key's type, or null after adding a problem that names {@code source} and the value. */
    static Object convert(ConfigKey<?> key, Object raw, String source, List<String> problems) {
        String shown = show(raw);
        switch (key.kind()) {
            case STRING -> {
                if (raw instanceof String s) {
                    if (s.isBlank() && key != ConfigKeys.NATS_PASSWORD) {
                        problems.add(source + ": \"" + s + "\" is empty; remove the setting to use the default");
                        return null;
                    }
                    return s;
                }
                if (raw instanceof Number || raw instanceof Boolean) {
                    return raw.toString(); // YAML `server.id: 42` is the id "42"
                }
                problems.add(source + ": " + shown + " is not a string");
                return null;
            }
            case BOOL -> {
                if (raw instanceof Boolean b) {
                    return b;
                }
                if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                problems.add(source + ": " + shown + " is not a boolean (use true or false)");
                return null;
            }
            case INT, LONG -> {
                BigInteger n = integer(raw);
                if (n == null) {
                    problems.add(source + ": " + shown + " is not " + (key.kind() == ConfigKey.Kind.INT ? "an integer" : "a whole number"));
                    return null;
                }
                long max = key.kind() == ConfigKey.Kind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
                if (key == ConfigKeys.PORT) {
                    max = 65535;
                }
                if (n.compareTo(BigInteger.valueOf(key.min())) < 0) {
                    problems.add(source + ": " + shown + (key.min() == 0 ? " is negative" : " is below the minimum " + key.min())
                            + hint(key));
                    return null;
                }
                if (n.compareTo(BigInteger.valueOf(max)) > 0) {
                    problems.add(source + ": " + shown + (key == ConfigKeys.PORT ? " is not a port (0-65535)" : " is too large (maximum " + max + ")"));
                    return null;
                }
                if (key == ConfigKeys.CURSORS_STREAM_REPLICATION_FACTOR && n.signum() == 0) {
                    problems.add(source + ": 0 is not a replication factor (use -1 for every server, or 1 or more)");
                    return null;
                }
                return key.kind() == ConfigKey.Kind.INT ? (Object) n.intValue() : (Object) n.longValue();
            }
            case DURATION -> {
                Duration d = null;
                if (raw instanceof String s) {
                    d = Durations.parse(s);
                } else if (raw instanceof Long l && l == 0) {
                    d = Duration.ZERO;
                } else if (raw instanceof Long l) {
                    problems.add(source + ": " + l + " is not a duration: add a unit, such as " + Math.abs(l) + "s or "
                            + Math.abs(l) + "ms");
                    return null;
                }
                if (d == null) {
                    problems.add(source + ": " + shown + " is not a duration (use Go syntax such as 500ms, 15s or 168h)");
                    return null;
                }
                if (key.min() > 0 && d.toNanos() < key.min()) {
                    problems.add(source + ": " + shown + " must be greater than 0");
                    return null;
                }
                return d;
            }
            case LIST -> {
                List<String> out = new ArrayList<>();
                if (raw instanceof String s) {
                    for (String part : s.split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                    return List.copyOf(out);
                }
                if (raw instanceof List<?> list) {
                    for (Object item : list) {
                        if (!(item instanceof String s) || s.isBlank()) {
                            problems.add(source + ": list item " + show(item) + " is not a non-empty string");
                            return null;
                        }
                        out.add(s.trim());
                    }
                    return List.copyOf(out);
                }
                problems.add(source + ": " + shown + " is not a list");
                return null;
            }
            case ENUM -> {
                if (raw instanceof String s && key.choices().contains(s.toLowerCase(java.util.Locale.ROOT))) {
                    return s.toLowerCase(java.util.Locale.ROOT);
                }
                problems.add(source + ": " + shown + " is not one of " + String.join(", ", key.choices()));
                return null;
            }
            case SYNC -> {
                SyncPolicy p = raw instanceof String s ? parseSync(s) : null;
                if (p == null) {
                    problems.add(source + ": " + shown + " is not a sync policy (use none, interval:<ms> with ms ≥ 1, or always)");
                }
                return p;
            }
            default -> throw new IllegalStateException("unhandled kind " + key.kind());
        }
    }

    private static String hint(ConfigKey<?> key) {
        return key.min() == 0 && key.name().startsWith("streams.retention.") ? " (use 0 for no limit)" : "";
    }

    private static BigInteger integer(Object raw) {
        if (raw instanceof Long l) {
            return BigInteger.valueOf(l);
        }
        if (raw instanceof Integer i) {
            return BigInteger.valueOf(i);
        }
        if (raw instanceof BigInteger b) {
            return b;
        }
        if (raw instanceof BigDecimal d) {
            try {
                return d.toBigIntegerExact();
            } catch (ArithmeticException e) {
                return null; // 1.5 is not an integer; the caller reports it
            }
        }
        if (raw instanceof String s) {
            try {
                return new BigInteger(s.trim());
            } catch (NumberFormatException e) {
                return null; // reported by the caller with the value
            }
        }
        return null;
    }

    private static String show(Object raw) {
        if (raw instanceof String s) {
            return "\"" + s + "\"";
        }
        if (raw instanceof NestedMapping m) {
            return "a mapping " + m.json();
        }
        if (raw instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            for (Object o : l) {
                items.add(show(o));
            }
            return "[" + String.join(", ", items) + "]";
        }
        return String.valueOf(raw);
    }
}
