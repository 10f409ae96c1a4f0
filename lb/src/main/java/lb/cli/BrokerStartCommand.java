package lb.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import lb.broker.config.BrokerConfig;
import lb.broker.config.ConfigException;
import lb.broker.config.ConfigKeys;
import lb.broker.config.ConfigLoader;
import lb.broker.config.ConfigOverrides;
import lb.broker.nats.NatsPortInUseException;
import lb.broker.server.BrokerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lb broker start}: runs a broker until SIGINT or SIGTERM, then shuts it down gracefully
 * (stop accepting, drain writers, checkpoint, close). With no flags: embedded NATS on
 * 127.0.0.1:4222, a single-node cluster, gRPC on 9292, data in the user's data directory.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a broker node and run it until interrupted.",
            "With no flags: embedded NATS on 127.0.0.1:4222, a single-node cluster, gRPC on port 9292, "
                + "data in $XDG_DATA_HOME/lb/<namespace> (or ~/.local/share/lb/<namespace>)."})
final class BrokerStartCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BrokerConfigOptions options = new BrokerConfigOptions();

    @Option(names = "--dev", description = {"Development broker: embedded NATS, data in a new temporary directory "
        + "(removed on a graceful stop); writes and selects the context 'local' and prints an LB_SERVERS line."})
    boolean dev;

    /** The temporary data directory of a --dev broker, removed after a graceful stop. */
    private Path devDataDir;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ConfigOverrides o;
        try {
            o = options.overrides();
        } catch (UsageException e) {
            err.println("lb: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (options.dataDir == null && dev) {
            try {
                devDataDir = java.nio.file.Files.createTempDirectory("lb-dev-");
                o.dataDir(devDataDir);
            } catch (java.io.IOException e) {
                err.println("lb: cannot create a temporary data directory: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
        if (dev && options.embeddedNats == null && options.natsServers == null) {
            o.embeddedNats(true);
        }
        BrokerConfig cfg;
        try {
            cfg = ConfigLoader.load(options.config, o, System.getenv());
        } catch (ConfigException e) {
            err.println("lb: invalid configuration:");
            for (String p : e.getMessage().split("\n")) {
                err.println("  " + p);
            }
            return ExitCodes.USAGE;
        }
        configureLogging(cfg.get(ConfigKeys.LOGGING_LEVEL));
        // The hook is in place before start-up, so SIGINT/SIGTERM at any moment stops whatever
        // was started. It reports on stderr itself: JUL's own shutdown hook closes log handlers
        // concurrently, so log records written now may be lost.
        AtomicReference<BrokerServer> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            BrokerServer s = running.getAndSet(null);
            if (s != null) {
                long t0 = System.nanoTime();
                System.err.println("lb: shutting down: draining writers, checkpointing logs");
                s.close();
                System.err.printf("lb: stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                if (devDataDir != null) {
                    removeTree(devDataDir);
                }
            }
            stopped.countDown();
        }, "lb-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        BrokerServer server;
        try {
            server = BrokerServer.start(cfg);
        } catch (NatsPortInUseException e) {
            err.println("lb: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        } catch (Exception e) {
            err.println("lb: cannot start the broker: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        running.set(server);
        banner(spec.commandLine().getOut(), server, cfg);
        if (dev) {
            devContext(spec.commandLine().getOut(), server);
        }
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private static void banner(PrintWriter out, BrokerServer s, BrokerConfig c) {
        long startMs = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        BuildInfo info = BuildInfo.load();
        String nats = (s.embeddedNats() != null ? "embedded, " : "") + String.join(", ", s.natsUrls());
        int cursors = c.get(ConfigKeys.CURSORS_STREAM_PARTITIONS);
        out.printf("lb %s (Liftbridge API v1.9.0, Java %s)%n", info.version(), Runtime.version().feature());
        row(out, "server id", s.serverId());
        row(out, "namespace", c.namespace());
        row(out, "NATS", nats);
        row(out, "listening", c.bindHost() + ":" + s.port() + " (gRPC), advertised as "
                + c.advertisedHost() + ":" + s.port());
        row(out, "data", s.dataDir().toString());
        row(out, "sync", c.sync() + (c.sync().toString().equals("always") ? " (fsync before every ack)" : ""));
        row(out, "retention", "age " + duration(c.get(ConfigKeys.STREAMS_RETENTION_MAX_AGE))
                + ", messages " + limit(c.get(ConfigKeys.STREAMS_RETENTION_MAX_MESSAGES))
                + ", bytes " + limit(c.get(ConfigKeys.STREAMS_RETENTION_MAX_BYTES)));
        row(out, "auto-pause", duration(c.get(ConfigKeys.STREAMS_AUTO_PAUSE_TIME)).equals("unlimited")
                ? "off" : "after " + duration(c.get(ConfigKeys.STREAMS_AUTO_PAUSE_TIME)) + " idle");
        row(out, "cursors", cursors > 0 ? "on (" + cursors + " partition" + (cursors == 1 ? "" : "s") + ")" : "off");
        row(out, "activity", c.get(ConfigKeys.ACTIVITY_STREAM_ENABLED) ? "on" : "off");
        out.printf("ready in %.2f s; stop with Ctrl-C%n", startMs / 1000.0);
        out.flush();
    }

    /** Deletes a --dev data directory; reports (and leaves) what cannot be deleted. */
    private static void removeTree(Path dir) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.err.println("lb: could not remove the dev data directory " + dir + ": " + e.getMessage());
        }
    }

    /** --dev: the context 'local' pointing at this broker, selected, and a line for scripts. */
    private void devContext(PrintWriter out, BrokerServer s) {
        String addr = "127.0.0.1:" + s.port();
        LbCommand root = (LbCommand) spec.root().userObject();
        Contexts c = Contexts.of(root.io());
        c.write("local", java.util.Map.of("servers", addr, "description", "lb broker start --dev"));
        c.select("local");
        out.println("context 'local' selected; for other tools:");
        out.println("LB_SERVERS=" + addr);
        out.flush();
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("  %-11s %s%n", name, value);
    }

    private static String limit(long v) {
        return v == 0 ? "unlimited" : Long.toString(v);
    }

    private static String duration(Duration d) {
        if (d.isZero()) {
            return "unlimited";
        }
        if (d.toDays() > 0 && d.toHours() % 24 == 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0 && d.toMinutes() % 60 == 0) {
            return d.toHours() + "h";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + "m" : d.toMillis() + "ms";
    }

    /** One line per record on stderr: time, level, logger's last name, message. */
    static void configureLogging(String level) {
        Level l = switch (level == null ? "info" : level.toLowerCase()) {
            case "debug", "trace" -> Level.FINE;
            case "warn", "warning" -> Level.WARNING;
            case "error", "fatal", "panic" -> Level.SEVERE;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(l);
        h.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String name = r.getLoggerName() == null ? "" : r.getLoggerName();
                name = name.substring(name.lastIndexOf('.') + 1);
                String msg = formatMessage(r);
                StringBuilder sb = new StringBuilder()
                        .append(java.time.Instant.ofEpochMilli(r.getMillis())).append(' ')
                        .append(r.getLevel().getName()).append(' ').append(name).append(": ").append(msg)
                        .append('\n');
                if (r.getThrown() != null && l.intValue() <= Level.FINE.intValue()) {
                    java.io.StringWriter sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(sw));
                    sb.append(sw);
                } else if (r.getThrown() != null) {
                    sb.setLength(sb.length() - 1);
                    sb.append(" (").append(r.getThrown()).append(")\n");
                }
                return sb.toString();
            }
        });
        root.addHandler(h);
        root.setLevel(l);
        // jnats reports every reconnect attempt at SEVERE; one line at WARNING is what an operator needs.
        Logger.getLogger("io.nats.client").setLevel(l.intValue() <= Level.FINE.intValue() ? l : Level.OFF);
    }
}
