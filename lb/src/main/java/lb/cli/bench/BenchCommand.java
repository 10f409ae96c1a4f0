package lb.cli.bench;

import io.liftbridge.proto.Api;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import lb.cli.ConnectionOptions;
import lb.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lb bench pub|sub|e2e|rtt STREAM} (CLI.md "Bench"): load generators against a running
 * broker — or, with {@code --jetstream URL}, against a NATS JetStream server running the same
 * client code, for side-by-side comparisons. Progress goes to stderr, the summary to stdout
 * (text, {@code --json}) and optionally a CSV file. Exit code 5 when the completeness check
 * fails (a publish not acknowledged, a message missing or seen twice).
 *
 * <p>Threads: the command's thread sets up, waits and reports; see {@link Workloads}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure throughput and latency: publish (pub), catch-up read (sub), end-to-end (e2e) "
                + "or bare round trips (rtt).",
                "Latency percentiles come from an HDR histogram; every message is checked to arrive exactly once."},
        subcommands = {BenchCommand.Pub.class, BenchCommand.Sub.class, BenchCommand.E2e.class,
                BenchCommand.Rtt.class})
public final class BenchCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The values of --format, for completion. */
    static final class Formats extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Formats() {
            super(java.util.List.of("text", "json", "help"));
        }
    }

    /** Options shared by every workload. */
    static final class Options {
        @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to use (created with --create).")
        String stream;

        @Option(names = "--msgs", paramLabel = "N", converter = Units.CountConverter.class,
                description = "Messages in total, e.g. 100000, 100k, 1M (default 100k; sub: every stored message; "
                        + "rtt: 10k).")
        Long msgs;

        @Option(names = "--duration", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
                description = "Run for this long instead of a message count, e.g. 30s.")
        Duration duration;

        @Option(names = "--size", paramLabel = "SIZE", defaultValue = "256B", converter = Units.SizeConverter.class,
                description = "Message value size, e.g. 256B, 1KiB, 1KB (default ${DEFAULT-VALUE}).")
        int size;

        @Option(names = "--clients", paramLabel = "N", defaultValue = "1",
                description = "Concurrent publishers (each its own connection; client i uses partition i mod partitions; "
                        + "default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--partitions", paramLabel = "N",
                description = "Partitions of the stream created by --create (default 1); otherwise those it has.")
        Integer partitions;

        @Option(names = "--ack", paramLabel = "POLICY", defaultValue = "leader",
                description = "Ack policy: leader, all or none (default ${DEFAULT-VALUE}; lb only).")
        String ack;

        @Option(names = "--window", paramLabel = "N",
                description = "Publishes outstanding per client (1 = wait for each ack; default 100); "
                        + "sub: flow-control window (default 1024).")
        Integer window;

        @Option(names = "--path", paramLabel = "PATH", defaultValue = "grpc",
                description = "How lb receives publishes: grpc (the PublishAsync stream; with --window 1 a "
                        + "sync publish, as go-liftbridge v2's Publish), unary (the Publish RPC, one at a time; "
                        + "needs --window 1) or nats (envelopes with an ack inbox straight to the partition "
                        + "subject). Default ${DEFAULT-VALUE}.")
        String path;

        @Option(names = "--nats", paramLabel = "URL", defaultValue = "nats://127.0.0.1:4222",
                description = "The broker's NATS server, for --path nats (default ${DEFAULT-VALUE}).")
        String nats;

        @Option(names = "--jetstream", paramLabel = "URL",
                description = "Run the workload against this NATS JetStream server instead of lb (file storage, "
                        + "1 replica; a partition is one JetStream stream).")
        String jetstream;

        @Option(names = "--rate", paramLabel = "RATE", converter = Units.RateConverter.class,
                description = "Fixed total rate, e.g. 50000/s or 50k/s; latency is then measured from the "
                        + "scheduled send time (no coordinated omission). Default: as fast as the window allows.")
        Double rate;

        @Option(names = "--warmup", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
                description = "Run the workload unmeasured for this long first, such as 5s (default: no warm-up).")
        Duration warmup;

        @Option(names = "--create", description = "Create the stream first (with --partitions).")
        boolean create;

        @Option(names = "--cleanup", description = "Delete the stream at the end.")
        boolean cleanup;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", completionCandidates = Formats.class,
                description = "Summary format: text, json, or help (what the JSON fields mean); "
                        + "default ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--json", description = "Same as --format json.")
        boolean json;

        @Option(names = "--csv", paramLabel = "FILE", description = "Append the summary as a CSV row (header when new).")
        Path csv;

        @Option(names = "--progress", negatable = true,
                description = "Progress lines on stderr once a second (default: when stderr is a terminal).")
        Boolean progress;
    }

    /** Base of the four workload commands. */
    abstract static class Workload implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Options o;

        /** The workload's name: the subcommand's own ({@code pub}, {@code sub}, ...). */
        String name() {
            return spec.name();
        }

        lb.cli.LbCommand root() {
            return (lb.cli.LbCommand) spec.root().userObject();
        }

        /** The brokers and deadline from the global options (flag > env > context > default). */
        ConnectionOptions.Resolved connection() {
            return root().connection();
        }

        abstract Measurement run(Target t, Workloads.Settings s) throws Exception;

        int defaultWindow() {
            return 100;
        }

        long defaultMsgs() {
            return 100_000;
        }

        @Override
        public Integer call() throws Exception {
            // A read that stops at --msgs cancels its subscription while the broker still sends:
            // gRPC would log that at INFO on stderr.
            lb.cli.GrpcLogging.quiet();
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            String bad = validate();
            if (bad != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), bad);
            }
            Api.AckPolicy ack = Api.AckPolicy.valueOf(o.ack.toUpperCase(Locale.ROOT));
            boolean json = o.json || o.format.equalsIgnoreCase("json");
            boolean progress = o.progress != null ? o.progress : System.console() != null;
            try (Target t = o.jetstream != null
                    ? new JetStreamTarget(o.jetstream, connection().timeoutDuration())
                    : new LbTarget(root()::connect, connection().timeoutDuration(), ack,
                    LbTarget.Path.valueOf(o.path.toUpperCase(Locale.ROOT)), o.nats)) {
                int partitions;
                if (o.create) {
                    partitions = o.partitions == null ? 1 : o.partitions;
                    t.createStream(o.stream, partitions);
                } else {
                    partitions = t.partitions(o.stream);
                    if (partitions == 0) {
                        err.println("lb: no such stream on " + t.name() + ": " + o.stream + " (use --create)");
                        return ExitCodes.NOT_FOUND;
                    }
                    if (o.partitions != null && o.partitions > partitions) {
                        err.printf("lb: stream %s has %d partition(s), not %d%n", o.stream, partitions, o.partitions);
                        return ExitCodes.USAGE;
                    }
                    if (o.partitions != null) {
                        partitions = o.partitions;
                    }
                }
                Report r;
                try {
                    long msgs = o.duration != null && o.msgs == null ? 0 : o.msgs != null ? o.msgs : defaultMsgs();
                    Workloads.Settings s = new Workloads.Settings(name(), o.stream, o.clients, partitions, msgs,
                            o.duration, o.size, o.window != null ? o.window : defaultWindow(),
                            o.rate == null ? 0 : o.rate, o.warmup, connection().timeoutDuration(),
                            o.ack.toLowerCase(Locale.ROOT), o.path.toLowerCase(Locale.ROOT), progress ? err : null);
                    r = Report.of(s, t.name(), run(t, s));
                } finally {
                    if (o.cleanup) {
                        t.deleteStream(o.stream);
                    }
                }
                r.print(out, json);
                if (o.csv != null) {
                    r.appendCsv(o.csv);
                }
                return r.complete() ? ExitCodes.OK : ExitCodes.PARTIAL;
            }
        }

        private String validate() {
            if (o.clients < 1) {
                return "--clients must be at least 1";
            }
            if (o.partitions != null && o.partitions < 1) {
                return "--partitions must be at least 1";
            }
            if (o.window != null && o.window < 1) {
                return "--window must be at least 1";
            }
            if (o.msgs != null && o.msgs < 1) {
                return "--msgs must be at least 1";
            }
            if (o.size < 0) {
                return "--size must not be negative";
            }
            if (o.rate != null && o.rate <= 0) {
                return "--rate must be positive";
            }
            if (!o.ack.matches("(?i)leader|all|none")) {
                return "--ack must be leader, all or none, not '" + o.ack + "'";
            }
            if (!o.path.matches("(?i)grpc|unary|nats")) {
                return "--path must be grpc, unary or nats, not '" + o.path + "'";
            }
            if (o.path.equalsIgnoreCase("unary") && (o.window == null || o.window != 1)) {
                return "--path unary publishes one message at a time: add --window 1";
            }
            if (!o.format.matches("(?i)text|json")) {
                return "--format must be text, json or help, not '" + o.format + "'";
            }
            return null;
        }
    }

    @Command(name = "pub", mixinStandardHelpOptions = true,
            description = "Publish and measure throughput and ack latency (send to ack).")
    static final class Pub extends Workload {
        @Override
        Measurement run(Target t, Workloads.Settings s) throws Exception {
            return Workloads.pub(t, s);
        }
    }

    @Command(name = "sub", mixinStandardHelpOptions = true,
            description = "Read the stored messages from the start of each partition (catch-up read).")
    static final class Sub extends Workload {
        @Override
        int defaultWindow() {
            return 1024;
        }

        @Override
        long defaultMsgs() {
            return 0;
        }

        @Override
        Measurement run(Target t, Workloads.Settings s) throws Exception {
            return Workloads.sub(t, s);
        }
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "Publish and subscribe at once; latency from (scheduled) send to receipt.")
    static final class E2e extends Workload {
        @Override
        Measurement run(Target t, Workloads.Settings s) throws Exception {
            return Workloads.e2e(t, s);
        }
    }

    @Command(name = "rtt", mixinStandardHelpOptions = true,
            description = "Bare round trips (lb: FetchPartitionMetadata; JetStream: NATS PING) to show the floor.")
    static final class Rtt extends Workload {
        @Override
        long defaultMsgs() {
            return 10_000;
        }

        @Override
        Measurement run(Target t, Workloads.Settings s) throws Exception {
            return Workloads.rtt(t, s);
        }
    }
}
