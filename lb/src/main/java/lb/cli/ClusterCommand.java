package lb.cli;

import io.liftbridge.proto.Api;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.TreeMap;
import lb.client.ClusterMetadata;
import lb.client.LiftbridgeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code lb cluster}: brokers and health. */
@Command(name = "cluster", description = "Brokers of the cluster and its health.", mixinStandardHelpOptions = true,
        subcommands = {ClusterCommand.Info.class, ClusterCommand.Health.class})
final class ClusterCommand {

    /** {@code lb cluster info}. */
    @Command(name = "info", description = "List brokers with their partition and leader counts (ro).",
            mixinStandardHelpOptions = true)
    static final class Info extends BaseCommand {
        @Mixin
        Output output;

        @Override
        int execute() {
            ClusterMetadata md = client().fetchMetadata();
            int partitions = md.streams().values().stream().mapToInt(Api.StreamMetadata::getPartitionsCount).sum();
            PrintWriter out = out();
            if (output.structured()) {
                ObjectNode o = Output.object();
                ArrayNode a = o.putArray("brokers");
                for (Api.Broker b : new TreeMap<>(md.brokers()).values()) {
                    a.addObject().put("id", b.getId()).put("host", b.getHost()).put("port", b.getPort())
                            .put("partitions", b.getPartitionCount()).put("leaders", b.getLeaderCount());
                }
                o.put("streams", md.streams().size());
                o.put("partitions", partitions);
                output.print(out, o);
                return ExitCodes.OK;
            }
            Output.Table t = new Output.Table("BROKER", "ADDRESS", "PARTITIONS", "LEADERS");
            for (Api.Broker b : new TreeMap<>(md.brokers()).values()) {
                t.row(b.getId(), b.getHost() + ":" + b.getPort(), b.getPartitionCount(), b.getLeaderCount());
            }
            t.print(out, root().color(io().outTty));
            out.printf("%n%d broker%s, %d stream%s, %d partition%s%n", md.brokers().size(), plural(md.brokers().size()),
                    md.streams().size(), plural(md.streams().size()), partitions, plural(partitions));
            return ExitCodes.OK;
        }
    }

    static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    /** The health of the cluster as one verdict. */
    record Verdict(boolean reachable, int brokers, int partitions, int leaderless, int underReplicated, String error) {
        boolean healthy() {
            return reachable && leaderless == 0 && underReplicated == 0;
        }

        String line() {
            if (!reachable) {
                return "unreachable: " + error;
            }
            return (healthy() ? "healthy" : "unhealthy") + ": " + brokers + " broker" + plural(brokers) + ", "
                    + partitions + " partition" + plural(partitions) + ", " + leaderless + " without leader, "
                    + underReplicated + " under-replicated";
        }
    }

    /** {@code lb cluster health}. */
    @Command(name = "health", description = {"Check that brokers answer and every partition has a leader and a full ISR (ro).",
        "Exit 0 healthy, 4 unreachable, 5 unhealthy; with --check Nagios codes 0 ok, 1 warning "
            + "(under-replicated), 2 critical (unreachable or leaderless), 3 unknown."},
            mixinStandardHelpOptions = true)
    static final class Health extends BaseCommand {
        @Option(names = {"-w", "--watch"}, description = "Check every --interval until Ctrl-C.")
        boolean watch;
        @Option(names = "--exit-when-healthy", description = "With --watch: exit 0 as soon as the cluster is healthy.")
        boolean exitWhenHealthy;
        @Option(names = "--interval", paramLabel = "DURATION", converter = ConnectionOptions.DurationConverter.class,
                description = "Time between checks with --watch (default 1s).")
        Duration interval = Duration.ofSeconds(1);
        @Option(names = "--check", description = "Nagios-style exit codes.")
        boolean check;
        @Mixin
        Output output;

        Verdict verdict() {
            try {
                ClusterMetadata md = client().fetchMetadata();
                int parts = 0;
                int leaderless = 0;
                int under = 0;
                for (Api.StreamMetadata s : md.streams().values()) {
                    for (Api.PartitionMetadata p : s.getPartitionsMap().values()) {
                        parts++;
                        if (p.getLeader().isEmpty()) {
                            leaderless++;
                        } else if (p.getIsrCount() < p.getReplicasCount()) {
                            under++;
                        }
                    }
                }
                return new Verdict(true, md.brokers().size(), parts, leaderless, under, null);
            } catch (LiftbridgeException e) {
                return new Verdict(false, 0, 0, 0, 0, e.getMessage());
            }
        }

        void print(Verdict v) {
            if (output.structured()) {
                ObjectNode o = Output.object().put("healthy", v.healthy()).put("reachable", v.reachable())
                        .put("brokers", v.brokers()).put("partitions", v.partitions())
                        .put("leaderless", v.leaderless()).put("under_replicated", v.underReplicated())
                        .put("time", Instant.now().toString());
                if (v.error() != null) {
                    o.put("error", v.error());
                }
                if (watch) {
                    out().print(output.item(o)); // one JSON line or YAML document per check
                } else {
                    output.print(out(), o);
                }
            } else {
                out().println((watch ? Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "  " : "")
                        + v.line());
            }
            out().flush();
        }

        @Override
        int execute() throws InterruptedException {
            if (exitWhenHealthy && !watch) {
                watch = true;
            }
            Verdict v = verdict();
            print(v);
            if (watch) {
                String last = v.line();
                while (!(exitWhenHealthy && v.healthy()) && !io().cancelled()) {
                    try (AutoCloseable sig = Signals.install(io())) {
                        long until = System.nanoTime() + interval.toNanos();
                        while (System.nanoTime() < until && !io().cancelled()) {
                            Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                        }
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    if (io().cancelled()) {
                        return ExitCodes.INTERRUPTED;
                    }
                    v = verdict();
                    if (!v.line().equals(last) || output.structured()) {
                        print(v);
                        last = v.line();
                    }
                }
                if (io().cancelled()) {
                    return ExitCodes.INTERRUPTED;
                }
            }
            if (check) {
                if (!v.reachable() || v.leaderless() > 0) {
                    return 2;
                }
                return v.underReplicated() > 0 ? 1 : 0;
            }
            if (!v.reachable()) {
                return ExitCodes.UNAVAILABLE;
            }
            return v.healthy() ? ExitCodes.OK : ExitCodes.PARTIAL;
        }
    }
}
