package lb.cli.group;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lb.cli.LbCommand;
import lb.cli.Output;
import lb.cli.ExitCodes;
import lb.client.LiftbridgeClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lb group describe GROUP}: coordinator, epoch, members, and per partition the holder, committed offset, HW and lag. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Show a group's coordinator, epoch, members, and per partition the holder, "
                + "committed offset, high watermark and lag.")
final class GroupDescribeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "GROUP", description = "Consumer group id.")
    String group;
    @Mixin
    Output output;
    @Option(names = "--lag-only", description = "Only partitions with lag.")
    boolean lagOnly;

    @Override
    public Integer call() {
        boolean json = output.structured();
        PrintWriter out = spec.commandLine().getOut();
        try (LiftbridgeClient client = ((LbCommand) spec.root().userObject()).connect()) {
            GroupInspector.Description d = new GroupInspector(client, GroupCommand.READ_TIMEOUT).describe(group);
            if (!d.exists() && d.partitions().isEmpty()) {
                spec.commandLine().getErr().println("lb: no such consumer group: " + group);
                return ExitCodes.NOT_FOUND;
            }
            List<GroupInspector.PartitionRow> rows = d.partitions().stream()
                    .filter(r -> !lagOnly || r.lag() > 0).toList();
            if (json) {
                output.print(out, describeJson(d, rows));
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
