package lb.cli.group;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lb.cli.ConnectionOptions;
import lb.cli.ExitCodes;
import lb.cli.position.Position;
import lb.cli.position.PositionException;
import lb.cli.position.PositionParser;
import lb.client.LiftbridgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code lb group list | describe GROUP | seek GROUP --to POS}: consumer groups, their members,
 * checkpoints and lag (see {@link GroupInspector} for where each fact comes from).
 */
@Command(name = "group", description = "Inspect consumer groups and move their checkpoints.",
        mixinStandardHelpOptions = true,
        subcommands = {GroupCommand.ListCommand.class, GroupCommand.DescribeCommand.class,
                GroupCommand.SeekCommand.class})
public final class GroupCommand {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reading {@code __cursors}/{@code __activity} may take a while on a busy cluster. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    /** {@code lb group list}. */
    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
            description = "List consumer groups (those with checkpoints, and those in the activity stream).")
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConnectionOptions connection;
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (LiftbridgeClient client = connection.connect()) {
                List<GroupInspector.Summary> groups = new GroupInspector(client, READ_TIMEOUT).list();
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (GroupInspector.Summary s : groups) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("group", s.groupId());
                        r.put("active", s.active());
                        r.put("coordinator", s.coordinator());
                        r.put("epoch", s.epoch());
                        r.put("members", s.members() < 0 ? null : s.members());
                        r.put("lag", s.totalLag());
                        rows.add(r);
                    }
                    out.println(JSON.writeValueAsString(rows));
                } else {
                    List<List<String>> table = new ArrayList<>();
                    table.add(List.of("GROUP", "STATE", "COORDINATOR", "EPOCH", "MEMBERS", "LAG"));
                    for (GroupInspector.Summary s : groups) {
                        table.add(List.of(s.groupId(), s.active() ? "active" : "inactive",
                                s.coordinator() == null ? "-" : s.coordinator(),
                                s.active() ? Long.toString(s.epoch()) : "-",
                                s.members() < 0 ? "?" : Integer.toString(s.members()), Long.toString(s.totalLag())));
                    }
                    Tables.print(out, table);
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    /** {@code lb group describe GROUP}. */
    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show a group's coordinator, epoch, members, and per partition the holder, "
                    + "committed offset, high watermark and lag.")
    static final class DescribeCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConnectionOptions connection;
        @Parameters(paramLabel = "GROUP")
        String group;
        @Option(names = "--json", description = "Print a JSON object.")
        boolean json;
        @Option(names = "--lag-only", description = "Only partitions with lag.")
        boolean lagOnly;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (LiftbridgeClient client = connection.connect()) {
                GroupInspector.Description d = new GroupInspector(client, READ_TIMEOUT).describe(group);
                if (!d.exists() && d.partitions().isEmpty()) {
                    spec.commandLine().getErr().println("lb: no such consumer group: " + group);
                    return ExitCodes.NOT_FOUND;
                }
                List<GroupInspector.PartitionRow> rows = d.partitions().stream()
                        .filter(r -> !lagOnly || r.lag() > 0).toList();
                if (json) {
                    out.println(JSON.writeValueAsString(describeJson(d, rows)));
                } else {
                    out.println("GROUP        " + d.groupId() + (d.exists() ? "" : " (inactive: no members)"));
                    if (d.exists()) {
                        out.println("COORDINATOR  " + d.coordinator());
                        out.println("EPOCH        " + d.epoch());
                    }
                    out.println("MEMBERS      " + (d.members() == null
                            ? "unknown (enable activity.stream.enabled on the brokers to see members)"
                            : d.members().isEmpty() ? "none" : String.join(", ", d.members().keySet())));
                    out.println("TOTAL LAG    " + d.totalLag());
                    out.println();
                    List<List<String>> table = new ArrayList<>();
                    table.add(List.of("STREAM", "PARTITION", "MEMBER", "COMMITTED", "HW", "LAG"));
                    for (GroupInspector.PartitionRow r : rows) {
                        table.add(List.of(r.stream(), Integer.toString(r.partition()),
                                r.member() == null ? "?" : r.member(),
                                r.committed() < 0 ? "-" : Long.toString(r.committed()),
                                r.highWatermark() < 0 ? "-" : Long.toString(r.highWatermark()),
                                Long.toString(r.lag())));
                    }
                    Tables.print(out, table);
                }
                out.flush();
                return ExitCodes.OK;
            }
        }

        static Map<String, Object> describeJson(GroupInspector.Description d, List<GroupInspector.PartitionRow> rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("group", d.groupId());
            o.put("active", d.exists());
            o.put("coordinator", d.coordinator());
            o.put("epoch", d.exists() ? d.epoch() : null);
            o.put("members", d.members());
            o.put("lag", d.totalLag());
            List<Map<String, Object>> ps = new ArrayList<>();
            for (GroupInspector.PartitionRow r : rows) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("stream", r.stream());
                p.put("partition", r.partition());
                p.put("member", r.member());
                p.put("committed", r.committed());
                p.put("highWatermark", r.highWatermark());
                p.put("lag", r.lag());
                ps.add(p);
            }
            o.put("partitions", ps);
            return o;
        }
    }

    /** {@code lb group seek GROUP --to POS}. */
    @Command(name = "seek", mixinStandardHelpOptions = true,
            description = "Move a group's checkpoints so that members resume at POS (dry run unless --execute). "
                    + "Stop the group's members first: active members overwrite checkpoints.")
    static final class SeekCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ConnectionOptions connection;
        @Parameters(paramLabel = "GROUP")
        String group;
        @Option(names = "--to", required = true, paramLabel = "POS",
                description = "Where members resume: " + PositionParser.FORMS)
        String to;
        @Option(names = "--stream", paramLabel = "STREAM", split = ",",
                description = "Streams to move (default: the streams the group has checkpoints or members on).")
        List<String> streams;
        @Option(names = "--dry-run", description = "Only show the plan (the default).")
        boolean dryRun;
        @Option(names = "--execute", description = "Write the new checkpoints.")
        boolean execute;
        @Option(names = "--force", description = "Write even while the group has members.")
        boolean force;
        @Option(names = "--json", description = "Print the plan as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (dryRun && execute) {
                err.println("lb: --dry-run and --execute exclude each other");
                return ExitCodes.USAGE;
            }
            Position position;
            try {
                position = PositionParser.system().parsePosition(to);
            } catch (PositionException e) {
                err.println("lb: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try (LiftbridgeClient client = connection.connect()) {
                GroupInspector inspector = new GroupInspector(client, READ_TIMEOUT);
                GroupInspector.Description d = inspector.describe(group);
                List<String> names = streams;
                if (names == null || names.isEmpty()) {
                    names = d.partitions().stream().map(GroupInspector.PartitionRow::stream).distinct().toList();
                }
                if (names.isEmpty()) {
                    err.println("lb: group " + group + " has no checkpoints or members; name streams with --stream");
                    return ExitCodes.NOT_FOUND;
                }
                GroupSeeker seeker = new GroupSeeker(client, READ_TIMEOUT);
                List<GroupSeeker.Move> moves = seeker.plan(group, names, position);
                if (json) {
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (GroupSeeker.Move m : moves) {
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("stream", m.stream());
                        r.put("partition", m.partition());
                        r.put("current", m.current());
                        r.put("new", m.target());
                        r.put("resumeAt", m.target() + 1);
                        rows.add(r);
                    }
                    out.println(JSON.writeValueAsString(rows));
                } else {
                    List<List<String>> table = new ArrayList<>();
                    table.add(List.of("STREAM", "PARTITION", "CURRENT", "NEW", "RESUME-AT", "NOTE"));
                    for (GroupSeeker.Move m : moves) {
                        table.add(List.of(m.stream(), Integer.toString(m.partition()),
                                m.current() < 0 ? "-" : Long.toString(m.current()),
                                m.target() < 0 ? "-" : Long.toString(m.target()),
                                Long.toString(m.target() + 1), m.note()));
                    }
                    Tables.print(out, table);
                }
                out.flush();
                if (!execute) {
                    err.println("dry run: nothing written; add --execute to move the checkpoints");
                    return ExitCodes.OK;
                }
                if (d.exists() && !force) {
                    err.println("lb: group " + group + " has members; stop them first (they overwrite checkpoints) "
                            + "or add --force");
                    return ExitCodes.REFUSED;
                }
                seeker.execute(group, moves);
                err.println("moved " + moves.size() + " checkpoint(s) of group " + group);
                return ExitCodes.OK;
            }
        }
    }
}
