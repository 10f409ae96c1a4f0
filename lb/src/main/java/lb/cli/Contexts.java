package lb.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Named connection settings (CLI.md "Global options"), like nats contexts and rpk profiles.
 *
 * <p>On disk: {@code $XDG_CONFIG_HOME/lb/contexts/<name>.yaml} (default {@code ~/.config}),
 * flat {@code key: value} lines with the keys {@link #KEYS}; the selected context's name alone
 * in {@code $XDG_CONFIG_HOME/lb/current}, and the one selected before it in
 * {@code $XDG_CONFIG_HOME/lb/previous} (for {@code lb context -}). Files are replaced atomically (write a temp file in
 * the same directory, then rename), so a crash leaves the old or the new file, never half of one.
 * Not thread-safe; one command uses it at a time.
 */
public final class Contexts {

    /** The settings a context may hold (the TLS ones as the global --tls* flags take them). */
    public static final List<String> KEYS = List.of("servers", "timeout", "description", "tls", "tls-ca", "tls-cert",
            "tls-key");
    /** The settings that name a PEM file. */
    static final List<String> FILE_KEYS = List.of("tls-ca", "tls-cert", "tls-key");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path dir;

    public Contexts(Path dir) {
        this.dir = dir;
    }

    /** The store under the user's configuration directory. */
    public static Contexts of(Io io) {
        String xdg = io.env("XDG_CONFIG_HOME");
        Path base = xdg != null ? Path.of(xdg) : Path.of(homeOf(io), ".config");
        return new Contexts(base.resolve("lb"));
    }

    static String homeOf(Io io) {
        String h = io.env("HOME");
        return h != null ? h : System.getProperty("user.home");
    }

    public Path dir() {
        return dir;
    }

    /** Throws a usage error unless {@code name} is a valid context name. */
    public static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid context name '" + name
                    + "': use letters, digits, '.', '_' and '-' (at most 64)");
        }
    }

    private Path file(String name) {
        checkName(name);
        return dir.resolve("contexts").resolve(name + ".yaml");
    }

    public boolean exists(String name) {
        return Files.isRegularFile(file(name));
    }

    /** The context's settings, or null when it does not exist. */
    public Map<String, String> read(String name) {
        Path f = file(name);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return parse(f);
    }

    /** The file of a context (which may not exist yet). */
    public Path path(String name) {
        return file(name);
    }

    /**
     * Reads a context file.
     *
     * @throws IllegalStateException naming the file and the line that is not {@code key: value}
     */
    public static Map<String, String> parse(Path f) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int c = t.indexOf(':');
                if (c <= 0) {
                    throw new IllegalStateException(f + ": expected 'key: value', got '" + t + "'");
                }
                String v = t.substring(c + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                m.put(t.substring(0, c).strip(), v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
        return m;
    }

    /**
     * Checks a context's settings: only {@link #KEYS}; {@code servers} present, each
     * {@code HOST:PORT} with a port 1-65535; {@code timeout}, when given, a duration; {@code tls}
     * true or false; {@code tls-ca}, {@code tls-cert}, {@code tls-key} readable files, the last
     * two together.
     *
     * @throws IllegalArgumentException saying what is wrong and what would be right
     */
    public static void validate(Map<String, String> settings) {
        for (String k : settings.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown setting '" + k + "': expected one of " + KEYS);
            }
        }
        String servers = settings.get("servers");
        if (servers == null || servers.isBlank()) {
            throw new IllegalArgumentException("'servers' is missing: give HOST:PORT[,HOST:PORT...]");
        }
        for (String s : servers.split(",")) {
            String hp = s.strip();
            int c = hp.lastIndexOf(':');
            int port = -1;
            if (c > 0) {
                try {
                    port = Integer.parseInt(hp.substring(c + 1));
                } catch (NumberFormatException e) {
                    port = -1; // reported below with the accepted form
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("server '" + hp + "' is not HOST:PORT (port 1-65535)");
            }
        }
        String timeout = settings.get("timeout");
        if (timeout != null) {
            try {
                new ConnectionOptions.DurationConverter().convert(timeout);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("timeout: " + e.getMessage(), e);
            }
        }
        String tls = settings.get("tls");
        if (tls != null && !tls.equals("true") && !tls.equals("false")) {
            throw new IllegalArgumentException("tls: '" + tls + "' is not true or false");
        }
        if ((settings.get("tls-cert") == null) != (settings.get("tls-key") == null)) {
            throw new IllegalArgumentException("tls-cert and tls-key go together: give both or neither");
        }
        for (String k : FILE_KEYS) {
            String f = settings.get(k);
            if (f != null && !Files.isReadable(Path.of(f))) {
                throw new IllegalArgumentException(k + ": no such readable file: " + f);
            }
        }
    }

    /** Creates or replaces a context. */
    public void write(String name, Map<String, String> settings) {
        StringBuilder sb = new StringBuilder("# lb context ").append(name).append('\n');
        settings.forEach((k, v) -> {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown context setting '" + k + "': expected one of " + KEYS);
            }
            sb.append(k).append(": \"").append(v.replace("\"", "")).append("\"\n");
        });
        atomicWrite(file(name), sb.toString());
    }

    public boolean remove(String name) {
        try {
            boolean removed = Files.deleteIfExists(file(name));
            if (name.equals(current())) {
                Files.deleteIfExists(dir.resolve("current"));
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove context " + name, e);
        }
    }

    /** All context names, sorted. */
    public List<String> names() {
        Path d = dir.resolve("contexts");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            List<String> names = new ArrayList<>();
            // Dot files are temp copies (.tmp-, .edit-), never contexts: names start with a letter or digit.
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d, e);
        }
    }

    /** The selected context's name, or null. */
    public String current() {
        Path f = dir.resolve("current");
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Selects {@code name}; the context selected until now becomes the previous one (when it
     * differs). Two files, each replaced atomically: 1. previous (a crash here leaves current
     * as it was, and previous naming it or the one before); 2. current.
     */
    public void select(String name) {
        String cur = current();
        if (cur != null && !cur.equals(name)) {
            atomicWrite(dir.resolve("previous"), cur + "\n");
        }
        atomicWrite(dir.resolve("current"), name + "\n");
    }

    /** The context selected before the current one, or null. */
    public String previous() {
        Path f = dir.resolve("previous");
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            String s = Files.readString(f, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? null : s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Replaces a context's file with {@code edited} (already validated): one atomic rename. */
    public void replace(String name, Path edited) {
        try {
            Files.move(edited, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save context " + name, e);
        }
    }

    /**
     * Replaces {@code target}: 1. write a temp file beside it; 2. rename it over the target
     * (atomic on POSIX file systems).
     */
    private static void atomicWrite(Path target, String content) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".yaml");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
