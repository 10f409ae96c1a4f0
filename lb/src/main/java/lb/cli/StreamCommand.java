package lb.cli;

import io.liftbridge.proto.Api;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import lb.client.ClusterMetadata;
import lb.client.LiftbridgeException;
import lb.client.StreamOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code lb stream}: create, list, describe, delete, pause and make streams read-only. */
@Command(name = "stream", description = "Create, list, describe, delete, pause and make streams read-only; "
        + "look up offsets.",
        mixinStandardHelpOptions = true,
        subcommands = {StreamCommand.Create.class, StreamCommand.ListCmd.class, StreamCommand.Describe.class,
            StreamCommand.Delete.class, StreamCommand.Pause.class, StreamCommand.Readonly.class,
            StreamOffsetsCommand.class})
final class StreamCommand {

    static boolean internal(String name) {
        return name.startsWith("__");
    }

    /** {@code lb stream create}. */
    @Command(name = "create", description = "Create a stream (rw).", mixinStandardHelpOptions = true)
    static final class Create extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Stream name.")
        String name;
        @Option(names = "--subject", paramLabel = "SUBJ", description = "NATS subject (default: the stream name).")
        String subject;
        @Option(names = {"-p", "--partitions"}, paramLabel = "N", description = "Number of partitions (default 1).")
        Integer partitions;
        @Option(names = {"-r", "--replication-factor"}, paramLabel = "N",
                description = "Replicas per partition; -1 = every broker (default 1).")
        Integer replicationFactor;
        @Option(names = "--min-isr", paramLabel = "N",
                description = {"Minimum in-sync replicas for acks.",
                    "Default: the broker's clustering.min.insync.replicas."})
        Integer minIsr;
        @Option(names = "--group", paramLabel = "GROUP",
                description = "Load-balance group (a NATS queue group): streams of one group on the same subject "
                        + "each get a share of its messages (default: none).")
        String group;
        @Option(names = "--retention-age", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
                description = {"Delete messages older than this, e.g. 7d.",
                    "Default: the broker's streams.retention.max.age."})
        Duration retentionAge;
        @Option(names = "--retention-bytes", paramLabel = "SIZE", converter = Sizes.class,
                description = {"Keep at most this many bytes per partition, e.g. 10GiB.",
                    "Default: the broker's streams.retention.max.bytes."})
        Long retentionBytes;
        @Option(names = "--retention-messages", paramLabel = "N", description = {"Keep at most N messages per partition.",
                    "Default: the broker's streams.retention.max.messages."})
        Long retentionMessages;
        @Option(names = "--compact", negatable = true,
                description = {"Enable (or --no-compact disable) compaction by key.",
                    "Default: the broker's streams.compact.enabled."})
        Boolean compact;
        @Option(names = "--segment-bytes", paramLabel = "SIZE", converter = Sizes.class,
                description = {"Roll segments at this size, e.g. 256MiB.",
                    "Default: the broker's streams.segment.max.bytes."})
        Long segmentBytes;
        @Option(names = "--auto-pause", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
                description = {"Pause partitions idle for this long.",
                    "Default: the broker's streams.auto.pause.time (0 = never)."})
        Duration autoPause;
        @Option(names = "--optimistic-concurrency",
                description = {"Enable expected-offset publishes.",
                    "Default: the broker's streams.concurrency.control."})
        Boolean optimisticConcurrency;
        @Option(names = "--encryption",
                description = {"Encrypt message values at rest.",
                    "Default: the broker's streams.encryption."})
        Boolean encryption;
        @Option(names = "--if-not-exists",
                description = "Succeed (exit 0) when the stream already exists, leaving it as it is (its settings "
                        + "are not compared).")
        boolean ifNotExists;
        @Option(names = "--dry-run", description = "Validate and print what would be created; create nothing.")
        boolean dryRun;

        @Override
        int execute() {
            StreamOptions o = StreamOptions.defaults();
            if (partitions != null) {
                o.partitions(partitions);
            }
            if (replicationFactor != null) {
                o.replicationFactor(replicationFactor);
            }
            if (minIsr != null) {
                o.minIsr(minIsr);
            }
            if (group != null) {
                o.group(group);
            }
            if (retentionAge != null) {
                o.retentionMaxAge(retentionAge);
            }
            if (retentionBytes != null) {
                o.retentionMaxBytes(retentionBytes);
            }
            if (retentionMessages != null) {
                o.retentionMaxMessages(retentionMessages);
            }
            if (compact != null) {
                o.compactEnabled(compact);
            }
            if (segmentBytes != null) {
                o.segmentMaxBytes(segmentBytes);
            }
            if (autoPause != null) {
                o.autoPauseTime(autoPause);
            }
            if (optimisticConcurrency != null) {
                o.optimisticConcurrencyControl(optimisticConcurrency);
            }
            if (encryption != null) {
                o.encryption(encryption);
            }
            String subj = subject != null ? subject : name;
            if (dryRun) {
                out().println("would create stream " + name + " on subject " + subj + ":");
                out().print(o.toRequest(subj, name));
                return ExitCodes.OK;
            }
            try {
                client().createStream(subj, name, o);
            } catch (LiftbridgeException e) {
                if (e.kind() == LiftbridgeException.Kind.STREAM_EXISTS) {
                    if (ifNotExists) {
                        status("stream %s already exists; left as it is", name);
                        return ExitCodes.OK;
                    }
                    err().println("lb: stream " + name + " already exists (--if-not-exists accepts that)");
                    return ExitCodes.FAILURE;
                }
                throw e;
            }
            status("created stream %s (subject %s, %d partition%s)", name, subj,
                    partitions == null ? 1 : partitions, partitions == null || partitions == 1 ? "" : "s");
            return ExitCodes.OK;
        }
    }

    /** {@code lb stream list}. */
    @Command(name = "list", aliases = "ls", description = "List streams (ro).", mixinStandardHelpOptions = true)
    static final class ListCmd extends BaseCommand {
        @Parameters(paramLabel = "REGEX", arity = "0..1", description = "Only names matching this regular expression.")
        String regex;
        @Option(names = "--names", description = "Names only, one per line.")
        boolean names;
        @Option(names = {"-a", "--all"}, description = "Include internal streams (__activity, __cursors).")
        boolean all;
        @Mixin
        Output output;

        @Override
        int execute() {
            Pattern p = regex == null ? null : compile(regex);
            ClusterMetadata md = client().fetchMetadata();
            List<Api.StreamMetadata> streams = new ArrayList<>();
            for (Api.StreamMetadata s : new TreeMap<>(md.streams()).values()) {
                if ((all || !internal(s.getName())) && (p == null || p.matcher(s.getName()).find())) {
                    streams.add(s);
                }
            }
            PrintWriter out = out();
            if (names) {
                streams.forEach(s -> out.println(s.getName()));
                return ExitCodes.OK;
            }
            if (output.structured()) {
                ArrayNode a = Output.json().createArrayNode();
                for (Api.StreamMetadata s : streams) {
                    ObjectNode o = a.addObject();
                    o.put("name", s.getName());
                    o.put("subject", s.getSubject());
                    o.put("partitions", s.getPartitionsCount());
                    o.put("created", Instant.ofEpochSecond(0, s.getCreationTimestamp()).toString());
                }
                output.print(out, a);
                return ExitCodes.OK;
            }
            Output.Table t = new Output.Table("NAME", "SUBJECT", "PARTITIONS", "CREATED");
            for (Api.StreamMetadata s : streams) {
                t.row(s.getName(), s.getSubject(), s.getPartitionsCount(), time(s.getCreationTimestamp()));
            }
            t.print(out, root().color(io().outTty));
            return ExitCodes.OK;
        }
    }

    static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new picocli.CommandLine.TypeConversionException("invalid regular expression '" + regex + "': "
                    + e.getDescription());
        }
    }

    static String time(long ns) {
        return ns == 0 ? "-" : Instant.ofEpochSecond(0, ns).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    /** {@code lb stream describe}. */
    @Command(name = "describe", aliases = "info", description = {"Show a stream and its partitions (ro).",
            "--configs shows the stream's settings as far as the Liftbridge API exposes them: FetchMetadata "
                + "carries the subject, the partitions and their replicas, and no retention, segment, compaction, "
                + "auto-pause, min-ISR, optimistic-concurrency, encryption or group setting; those are listed "
                + "as not exposed."},
            mixinStandardHelpOptions = true)
    static final class Describe extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Stream name.")
        String name;
        @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", converter = Partitions.class,
                description = "Only these partitions, e.g. 0,2 or 0-3 (default: all).")
        Partitions.Selection partitions;
        @Option(names = "--partitions", description = "Show the partitions (the default unless --configs is given).")
        boolean showPartitions;
        @Option(names = {"-c", "--configs"}, description = "Show the stream's settings.")
        boolean showConfigs;
        @Option(names = {"-a", "--all"}, description = "Show everything: settings and partitions.")
        boolean all;
        @Mixin
        Output output;

        /**
         * Stream settings a client cannot read back: the API's StreamMetadata has none of them
         * (CreateStreamRequest field names, dotted as in the broker's stream defaults).
         */
        static final List<String> NOT_EXPOSED = List.of("group", "min.isr", "retention.max.age", "retention.max.bytes",
                "retention.max.messages", "cleaner.interval", "segment.max.bytes", "segment.max.age",
                "compact.enabled", "compact.max.goroutines", "auto.pause.time", "auto.pause.disable.if.subscribers",
                "optimistic.concurrency.control", "encryption");

        /** One setting: its value and where it comes from. */
        record Config(String key, String value, String source) {
        }

        @Override
        int execute() {
            boolean wantConfigs = showConfigs || all;
            boolean wantPartitions = showPartitions || all || !showConfigs;
            boolean json = output.structured();
            Api.StreamMetadata s = Streams.require(client(), name);
            List<Api.PartitionMetadata> parts = new ArrayList<>();
            for (int p : Streams.select(s, partitions == null ? null : partitions.ids())) {
                // The leader's view has the current high watermark and newest offset; a paused
                // partition has no running leader, so the cluster metadata stands in for it.
                try {
                    parts.add(client().fetchPartitionMetadata(name, p));
                } catch (LiftbridgeException e) {
                    parts.add(s.getPartitionsMap().get(p));
                }
            }
            List<Config> configs = wantConfigs ? configs(s) : List.of();
            PrintWriter out = out();
            if (json) {
                ObjectNode o = Output.object();
                o.put("name", s.getName());
                o.put("subject", s.getSubject());
                o.put("created", Instant.ofEpochSecond(0, s.getCreationTimestamp()).toString());
                if (wantConfigs) {
                    ObjectNode c = o.putObject("configs");
                    for (Config cfg : configs) {
                        c.put(cfg.key(), cfg.value());
                    }
                    ArrayNode ne = o.putArray("configs_not_exposed");
                    NOT_EXPOSED.forEach(ne::add);
                }
                if (wantPartitions) {
                    ArrayNode a = o.putArray("partitions");
                    for (Api.PartitionMetadata p : parts) {
                        partitionJson(a.addObject(), p);
                    }
                }
                output.print(out, o);
                return ExitCodes.OK;
            }
            out.printf("stream %s  subject %s  partitions %d  created %s%n", s.getName(), s.getSubject(),
                    s.getPartitionsCount(), time(s.getCreationTimestamp()));
            if (wantConfigs) {
                out.println();
                Output.Table t = new Output.Table("KEY", "VALUE", "SOURCE");
                for (Config c : configs) {
                    t.row(c.key(), c.value(), c.source());
                }
                for (String k : NOT_EXPOSED) {
                    t.row(k, "?", "not exposed by the API");
                }
                t.print(out, false);
            }
            if (wantPartitions) {
                out.println();
                partitionTable(parts).print(out, root().color(io().outTty));
            }
            out.flush();
            return ExitCodes.OK;
        }

        /** The settings the metadata shows, directly or derived from the partitions. */
        static List<Config> configs(Api.StreamMetadata s) {
            List<Config> c = new ArrayList<>();
            c.add(new Config("subject", s.getSubject(), "metadata"));
            c.add(new Config("partitions", Integer.toString(s.getPartitionsCount()), "metadata"));
            int rf = s.getPartitionsMap().values().stream().mapToInt(Api.PartitionMetadata::getReplicasCount).max().orElse(0);
            c.add(new Config("replication.factor", Integer.toString(rf), "metadata (replicas per partition)"));
            long paused = s.getPartitionsMap().values().stream().filter(Api.PartitionMetadata::getPaused).count();
            long ro = s.getPartitionsMap().values().stream().filter(Api.PartitionMetadata::getReadonly).count();
            c.add(new Config("paused.partitions", paused + "/" + s.getPartitionsCount(), "metadata"));
            c.add(new Config("readonly.partitions", ro + "/" + s.getPartitionsCount(), "metadata"));
            c.add(new Config("created", Instant.ofEpochSecond(0, s.getCreationTimestamp()).toString(), "metadata"));
            return c;
        }

        private static void partitionJson(ObjectNode po, Api.PartitionMetadata p) {
            po.put("id", p.getId());
            po.put("leader", p.getLeader());
            ArrayNode r = po.putArray("replicas");
            p.getReplicasList().forEach(r::add);
            ArrayNode isr = po.putArray("isr");
            p.getIsrList().forEach(isr::add);
            po.put("high_watermark", p.getHighWatermark());
            po.put("newest_offset", p.getNewestOffset());
            po.put("paused", p.getPaused());
            po.put("readonly", p.getReadonly());
            long last = p.getMessagesReceivedTimestamps().getLatestTimestamp();
            if (last == 0) {
                po.putNull("last_received");
            } else {
                po.put("last_received", Instant.ofEpochSecond(0, last).toString());
            }
        }

        private Output.Table partitionTable(List<Api.PartitionMetadata> parts) {
            Output.Table t = output.wide()
                    ? new Output.Table("PARTITION", "LEADER", "REPLICAS", "ISR", "HW", "NEWEST", "PAUSED",
                        "READONLY", "FIRST-RECEIVED", "LAST-RECEIVED", "PAUSED-AT", "READONLY-AT")
                    : new Output.Table("PARTITION", "LEADER", "REPLICAS", "ISR", "HW", "NEWEST", "PAUSED",
                        "READONLY", "LAST-RECEIVED");
            for (Api.PartitionMetadata p : parts) {
                boolean under = p.getIsrCount() < p.getReplicasCount();
                String replicas = String.join(",", p.getReplicasList());
                String isr = String.join(",", p.getIsrList());
                String last = time(p.getMessagesReceivedTimestamps().getLatestTimestamp());
                if (output.wide()) {
                    t.alertRow(under, p.getId(), p.getLeader(), replicas, isr, p.getHighWatermark(), p.getNewestOffset(),
                            yes(p.getPaused()), yes(p.getReadonly()),
                            time(p.getMessagesReceivedTimestamps().getFirstTimestamp()), last,
                            time(p.getPauseTimestamps().getLatestTimestamp()),
                            time(p.getReadonlyTimestamps().getLatestTimestamp()));
                } else {
                    t.alertRow(under, p.getId(), p.getLeader(), replicas, isr, p.getHighWatermark(), p.getNewestOffset(),
                            yes(p.getPaused()), yes(p.getReadonly()), last);
                }
            }
            return t;
        }

        private static String yes(boolean b) {
            return b ? "yes" : "no";
        }
    }

    /** {@code lb stream delete}. */
    @Command(name = "delete", aliases = "rm", description = "Delete streams and their data (rw, destructive).",
            mixinStandardHelpOptions = true)
    static final class Delete extends BaseCommand {
        @Parameters(paramLabel = "NAME", arity = "1..*", description = "Stream names (regular expressions with --regex).")
        List<String> names;
        @Option(names = "--regex", description = "Treat NAME as regular expressions matched against existing streams.")
        boolean regex;
        @Option(names = "--dry-run", description = "Print what would be deleted; delete nothing.")
        boolean dryRun;
        @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
        boolean yes;

        @Override
        int execute() throws IOException {
            List<String> targets = new ArrayList<>();
            if (regex) {
                Map<String, Api.StreamMetadata> all = new TreeMap<>(client().fetchMetadata().streams());
                for (String r : names) {
                    Pattern p = compile(r);
                    all.keySet().stream().filter(n -> !internal(n) && p.matcher(n).find())
                            .filter(n -> !targets.contains(n)).forEach(targets::add);
                }
                if (targets.isEmpty()) {
                    err().println("lb: no stream matches " + String.join(", ", names));
                    return ExitCodes.NOT_FOUND;
                }
            } else {
                targets.addAll(names);
            }
            if (dryRun) {
                targets.forEach(n -> out().println("would delete " + n));
                return ExitCodes.OK;
            }
            if (!yes) {
                int c = Confirm.ask(io(), err(), "delete " + targets.size() + " stream" + (targets.size() == 1 ? "" : "s")
                        + " (" + String.join(", ", targets) + ") and all their data?");
                if (c != ExitCodes.OK) {
                    return c;
                }
            }
            int failed = 0;
            LiftbridgeException last = null;
            for (String n : targets) {
                try {
                    client().deleteStream(n);
                    status("deleted stream %s", n);
                } catch (LiftbridgeException e) {
                    err().println("lb: " + n + ": " + e.getMessage());
                    failed++;
                    last = e;
                }
            }
            if (failed == 0) {
                return ExitCodes.OK;
            }
            return failed == targets.size() && targets.size() == 1 ? Errors.exitCode(last) : ExitCodes.PARTIAL;
        }
    }

    /** {@code lb stream pause}. */
    @Command(name = "pause", description = "Pause partitions; they resume on the next publish (rw).",
            mixinStandardHelpOptions = true)
    static final class Pause extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Stream name.")
        String name;
        @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", converter = Partitions.class,
                description = "Only these partitions (default: all).")
        Partitions.Selection partitions;
        @Option(names = "--resume-all", description = "When one partition resumes, resume all of them.")
        boolean resumeAll;

        @Override
        int execute() {
            client().pauseStream(name, resumeAll, partitions == null ? new int[0] : partitions.ids());
            status("paused %s%s", name, partitions == null ? "" : " partitions " + java.util.Arrays.toString(partitions.ids()));
            return ExitCodes.OK;
        }
    }

    /** {@code lb stream readonly}. */
    @Command(name = "readonly", description = "Make partitions read-only, or writable again with --off (rw).",
            mixinStandardHelpOptions = true)
    static final class Readonly extends BaseCommand {
        @Parameters(paramLabel = "NAME", description = "Stream name.")
        String name;
        @Option(names = {"-p", "--partition"}, paramLabel = "P[,P...]", converter = Partitions.class,
                description = "Only these partitions (default: all).")
        Partitions.Selection partitions;
        @Option(names = "--off", description = "Clear the read-only flag.")
        boolean off;

        @Override
        int execute() {
            client().setStreamReadonly(name, !off, partitions == null ? new int[0] : partitions.ids());
            status("%s %s", off ? "made writable:" : "made read-only:", name);
            return ExitCodes.OK;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
