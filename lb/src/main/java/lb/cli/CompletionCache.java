package lb.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The small file cache behind {@code lb __complete}: stream names, partition counts and group
 * ids of one set of brokers, as last fetched, so that shell completion answers without the
 * network.
 *
 * <p>On disk: {@code $XDG_CACHE_HOME/lb/complete-<servers>.txt} (default {@code ~/.cache}), one
 * file per {@code --servers} value (characters outside {@code [A-Za-z0-9._-]} become {@code _}):
 * <pre>
 * # lb completion cache; written by lb __complete, safe to delete
 * fetched_ms 1740910447123      (when the metadata was last asked for)
 * reachable true                (whether that ask was answered)
 * groups_ms 1740910440000       (when the group ids were last read; 0: never)
 * stream 3 orders               (partition count, then the name to the end of the line)
 * group billing                 (a consumer group id, to the end of the line)
 * </pre>
 * The file is replaced atomically (temp file in the same directory, then rename), so a
 * concurrent reader sees the old or the new file. A sibling {@code .refresh} file's
 * modification time marks when a background refresh was last started. Not thread-safe; each
 * process uses its own instance.
 */
final class CompletionCache {

    /** One cached view; {@code partitions} maps stream name → partition count. */
    record Entry(long fetchedMs, boolean reachable, long groupsMs, Map<String, Integer> partitions,
                 List<String> groups) {
    }

    private final Path file;

    CompletionCache(Path file) {
        this.file = file;
    }

    /** The cache of the brokers {@code servers} under the user's cache directory. */
    static CompletionCache of(Io io, String servers) {
        String xdg = io.env("XDG_CACHE_HOME");
        Path base = xdg != null ? Path.of(xdg) : Path.of(Contexts.homeOf(io), ".cache");
        String key = servers.replaceAll("[^A-Za-z0-9._-]", "_");
        if (key.length() > 100) {
            key = key.substring(0, 60) + "-" + Integer.toHexString(servers.hashCode());
        }
        return new CompletionCache(base.resolve("lb").resolve("complete-" + key + ".txt"));
    }

    Path file() {
        return file;
    }

    /** The cached entry, or null when there is none or it cannot be read (then it is refetched). */
    Entry read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        long fetched = -1;
        long groupsMs = 0;
        boolean reachable = false;
        Map<String, Integer> parts = new TreeMap<>();
        List<String> groups = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", 3);
            try {
                switch (f[0]) {
                    case "fetched_ms" -> fetched = Long.parseLong(f[1]);
                    case "reachable" -> reachable = Boolean.parseBoolean(f[1]);
                    case "groups_ms" -> groupsMs = Long.parseLong(f[1]);
                    case "stream" -> parts.put(f[2], Integer.parseInt(f[1]));
                    case "group" -> groups.add(line.substring("group ".length()));
                    default -> {
                        // comments and keys of later versions
                    }
                }
            } catch (RuntimeException e) {
                return null; // a damaged or foreign file: treated as no cache, rewritten on the next fetch
            }
        }
        return fetched < 0 ? null : new Entry(fetched, reachable, groupsMs, parts, groups);
    }

    /** Replaces the file: 1. write a temp file beside it; 2. rename it over the old one. */
    void write(Entry e) {
        StringBuilder sb = new StringBuilder("# lb completion cache; written by lb __complete, safe to delete\n");
        sb.append("fetched_ms ").append(e.fetchedMs()).append('\n');
        sb.append("reachable ").append(e.reachable()).append('\n');
        sb.append("groups_ms ").append(e.groupsMs()).append('\n');
        e.partitions().forEach((name, n) -> {
            if (name.indexOf('\n') < 0) {
                sb.append("stream ").append(n).append(' ').append(name).append('\n');
            }
        });
        for (String g : e.groups()) {
            if (g.indexOf('\n') < 0) {
                sb.append("group ").append(g).append('\n');
            }
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".tmp-complete-", ".txt");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    /**
     * Marks a background refresh as started now, unless one started less than {@code withinMs}
     * ago; returns whether the caller should start one.
     */
    boolean claimRefresh(long nowMs, long withinMs) {
        Path marker = file.resolveSibling(file.getFileName() + ".refresh");
        try {
            if (Files.exists(marker) && nowMs - Files.getLastModifiedTime(marker).toMillis() < withinMs) {
                return false;
            }
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
            Files.setLastModifiedTime(marker, FileTime.fromMillis(nowMs));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mark a refresh at " + marker, e);
        }
    }
}
