package lb.cli;

import io.liftbridge.proto.Api;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import lb.cli.group.GroupInspector;
import lb.client.ClusterMetadata;
import lb.client.LiftbridgeClient;

/**
 * What {@code lb __complete} does (see {@link CompleteCommand} for the rules), apart from the
 * command tree: {@link Main} runs it directly on a fast path that skips building picocli's tree,
 * since a shell waits on it for every Tab. One instance per run; the caller's thread, plus one
 * daemon thread for a fetch within the budget.
 */
final class LiveNames {

    /** How long a key press may wait for the brokers before the cached names are used. */
    static final long BUDGET_MS = 200;
    private static final long DEFAULT_TTL_S = 10;
    /** The deadline per broker call of a fetch (the --timeout, at most this). */
    private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(5);

    private final Io io;
    private final ConnectionOptions connection;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String kind;

    /**
     * @param connection the global options of this run (empty ones on the fast path: environment,
     *                   context and defaults decide, as they would with no flags)
     * @param kind       streams, partitions, contexts, groups, or null
     */
    LiveNames(Io io, ConnectionOptions connection, PrintWriter out, PrintWriter err, String kind) {
        this.io = io;
        this.connection = connection;
        this.out = out;
        this.err = err;
        this.kind = kind;
    }

    /** Answers {@code kind} (and {@code stream} for partitions), or with {@code refresh} only refreshes the cache. */
    int answer(String stream, boolean refresh) {
        long startMs = System.currentTimeMillis();
        if ("contexts".equals(kind)) {
            Contexts.of(io).names().forEach(out::println);
            return ExitCodes.OK;
        }
        ConnectionOptions.Resolved resolved;
        try {
            resolved = connection.resolve(io);
        } catch (ConnectionOptions.ContextNotFoundException e) {
            return ExitCodes.OK; // nothing to complete against; the command itself will say why
        }
        CompletionCache cache = CompletionCache.of(io, resolved.servers().value());
        if (refresh) {
            cache.write(fetch(resolved, callTimeout(resolved), true, cache.read()));
            return ExitCodes.OK;
        }
        if (kind == null || !List.of("streams", "partitions", "groups").contains(kind)) {
            err.println("lb __complete: expected streams, partitions STREAM, contexts or groups");
            return ExitCodes.USAGE;
        }
        long ttlMs = ttlSeconds() * 1000;
        CompletionCache.Entry e = load(cache);
        boolean spawn = false;
        if (e == null || startMs - e.fetchedMs() >= ttlMs) {
            CompletionCache.Entry fresh = fetchWithin(resolved, e, startMs + BUDGET_MS);
            if (fresh != null) {
                e = fresh;
                save(cache, fresh);
            } else {
                spawn = true;
            }
        }
        if (kind.equals("groups") && (e == null || startMs - e.groupsMs() >= ttlMs)) {
            spawn = true;
        }
        if (e != null) {
            print(e, stream);
        }
        out.flush();
        if (spawn && io.env("LB_COMPLETE_NO_SPAWN") == null && claim(cache, startMs, ttlMs)) {
            spawnRefresh(resolved);
        }
        return ExitCodes.OK;
    }

    /** The cached entry, or null when there is none or it cannot be read (said on stderr). */
    private CompletionCache.Entry load(CompletionCache cache) {
        try {
            return cache.read();
        } catch (java.io.UncheckedIOException ex) {
            err.println("lb __complete: " + ex.getMessage() + ": " + ex.getCause().getMessage());
            return null;
        }
    }

    /**
     * Writes the cache; a cache that cannot be written (read-only home, full disk) must not stop
     * the answer, so the error goes to stderr, which the completion scripts discard.
     */
    private void save(CompletionCache cache, CompletionCache.Entry e) {
        try {
            cache.write(e);
        } catch (java.io.UncheckedIOException ex) {
            err.println("lb __complete: " + ex.getMessage() + ": " + ex.getCause().getMessage());
        }
    }

    /** {@link CompletionCache#claimRefresh}, false when the marker cannot be written (said on stderr). */
    private boolean claim(CompletionCache cache, long nowMs, long withinMs) {
        try {
            return cache.claimRefresh(nowMs, withinMs);
        } catch (java.io.UncheckedIOException ex) {
            err.println("lb __complete: " + ex.getMessage() + ": " + ex.getCause().getMessage());
            return false;
        }
    }

    private void print(CompletionCache.Entry e, String stream) {
        switch (kind) {
            case "streams" -> e.partitions().keySet().forEach(out::println);
            case "partitions" -> {
                Integer n = stream == null ? null : e.partitions().get(stream);
                for (int i = 0; n != null && i < n; i++) {
                    out.println(i);
                }
            }
            case "groups" -> e.groups().forEach(out::println);
            default -> throw new IllegalStateException("unknown kind " + kind);
        }
    }

    private long ttlSeconds() {
        String v = io.env("LB_COMPLETE_TTL");
        try {
            return v == null ? DEFAULT_TTL_S : Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException ex) {
            return DEFAULT_TTL_S; // a bad setting must not break completion; the default is safe
        }
    }

    /** The deadline of each broker call: the --timeout, at most {@link #REFRESH_TIMEOUT}. */
    private static Duration callTimeout(ConnectionOptions.Resolved r) {
        Duration t = r.timeoutDuration();
        return t.compareTo(REFRESH_TIMEOUT) < 0 ? t : REFRESH_TIMEOUT;
    }

    /** The metadata fetched before {@code deadlineMs}, or null when it took longer. */
    private CompletionCache.Entry fetchWithin(ConnectionOptions.Resolved r, CompletionCache.Entry old, long deadlineMs) {
        long left = deadlineMs - System.currentTimeMillis();
        if (left <= 0) {
            return null;
        }
        CompletableFuture<CompletionCache.Entry> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                // The call's own deadline is the usual one, not the budget: a broker that is
                // merely slow must not be cached as unreachable; the budget only stops waiting.
                f.complete(fetch(r, callTimeout(r), false, old));
            } catch (RuntimeException ex) {
                f.completeExceptionally(ex);
            }
        }, "lb-complete-fetch");
        t.setDaemon(true); // abandoned when over budget: the process exits without waiting for it
        t.start();
        try {
            return f.get(left, TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            return null;
        } catch (ExecutionException ex) {
            throw new IllegalStateException("completion fetch failed", ex.getCause());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Asks the brokers for the stream list (and the group ids when {@code groups}); an
     * unanswered ask gives an entry marked unreachable that keeps the names known before.
     */
    static CompletionCache.Entry fetch(ConnectionOptions.Resolved r, Duration timeout, boolean groups,
                                       CompletionCache.Entry old) {
        long now = System.currentTimeMillis();
        Map<String, Integer> oldParts = old == null ? Map.of() : old.partitions();
        List<String> oldGroups = old == null ? List.of() : old.groups();
        long oldGroupsMs = old == null ? 0 : old.groupsMs();
        GrpcLogging.quiet();
        try (LiftbridgeClient client = ConnectionOptions.client(r, timeout, 0, null)) {
            ClusterMetadata md = client.fetchMetadata();
            Map<String, Integer> parts = new TreeMap<>();
            for (Api.StreamMetadata s : md.streams().values()) {
                parts.put(s.getName(), s.getPartitionsCount());
            }
            List<String> g = oldGroups;
            long gMs = oldGroupsMs;
            if (groups) {
                g = List.copyOf(new GroupInspector(client, timeout).groupIds());
                gMs = now;
            }
            return new CompletionCache.Entry(now, true, gMs, parts, g);
        } catch (RuntimeException ex) {
            // Unreachable, timed out or refused: remember that (so the next key press does not
            // wait again) and keep the names we knew.
            return new CompletionCache.Entry(now, false, oldGroupsMs, oldParts, oldGroups);
        }
    }

    /** Starts {@code lb __complete --refresh} detached: no shared stdin/stdout, not waited for. */
    private void spawnRefresh(ConnectionOptions.Resolved r) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--no-context",
                "-s", r.servers().value(), "--timeout", r.timeout().value()));
        // The resolved TLS settings go along: --no-context drops the context they may come from.
        if ("true".equalsIgnoreCase(r.tls().value())) {
            cmd.add("--tls");
        }
        for (ConnectionOptions.Setting s : List.of(r.tlsCa(), r.tlsCert(), r.tlsKey())) {
            if (!s.value().isEmpty()) {
                cmd.add("--" + s.name());
                cmd.add(s.value());
            }
        }
        cmd.addAll(List.of("__complete", "--refresh"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(io.env);
        try {
            pb.start();
        } catch (IOException ex) {
            // The names printed are what the cache had; completion goes on without a refresh.
            err.println("lb __complete: cannot start a background refresh: " + ex.getMessage());
        }
    }
}
