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

/** {@code lb group seek GROUP --to POS}: moves the checkpoints (dry run unless {@code --execute}; refused with exit 6 while the group has members unless {@code --force}). */
@Command(name = "seek", mixinStandardHelpOptions = true,
        description = "Move a group's checkpoints so that members resume at POS (dry run unless --execute). "
                + "Stop the group's members first: active members overwrite checkpoints.")
final class GroupSeekCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "GROUP", description = "Consumer group id.")
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
    @Mixin
    Output output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean json = output.structured();
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
        try (LiftbridgeClient client = ((LbCommand) spec.root().userObject()).connect()) {
            GroupInspector inspector = new GroupInspector(client, GroupCommand.READ_TIMEOUT);
            GroupInspector.Description d = inspector.describe(group);
            List<String> names = streams;
            if (names == null || names.isEmpty()) {
                names = d.partitions().stream().map(GroupInspector.PartitionRow::stream).distinct().toList();
            }
            if (names.isEmpty()) {
                err.println("lb: group " + group + " has no checkpoints or members; name streams with --stream");
                return ExitCodes.NOT_FOUND;
            }
            GroupSeeker seeker = new GroupSeeker(client, GroupCommand.READ_TIMEOUT);
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
                output.print(out, rows);
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
