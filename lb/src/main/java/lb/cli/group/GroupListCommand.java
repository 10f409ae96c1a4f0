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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lb group list}: every known group with its state, coordinator, epoch, member count and total lag. */
@Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true,
        description = "List consumer groups (those with checkpoints, and those in the activity stream).")
final class GroupListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    Output output;

    @Override
    public Integer call() {
        boolean json = output.structured();
        PrintWriter out = spec.commandLine().getOut();
        try (LiftbridgeClient client = ((LbCommand) spec.root().userObject()).connect()) {
            List<GroupInspector.Summary> groups = new GroupInspector(client, GroupCommand.READ_TIMEOUT).list();
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
                output.print(out, rows);
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
