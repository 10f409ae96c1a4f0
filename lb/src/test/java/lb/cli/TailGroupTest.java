package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lb tail --group}: a group member that reads its assigned partitions and checkpoints. */
class TailGroupTest {

    @TempDir
    Path dir;
    CliHarness lb;

    @BeforeEach
    void start() throws Exception {
        lb = new CliHarness(dir);
    }

    @AfterEach
    void stop() {
        lb.close();
    }

    private void publish(int from, int to) {
        String lines = IntStream.range(from, to).mapToObj(i -> "m" + i).collect(Collectors.joining("\n")) + "\n";
        CliHarness.Result r = lb.run(lines.getBytes(), "publish", "g", "--partition-by", "round-robin");
        assertEquals(0, r.code(), r.toString());
    }

    private static Set<String> lines(CliHarness.Result r) {
        return new TreeSet<>(Arrays.asList(r.out().strip().split("\n")));
    }

    @Test
    void readsEveryPartitionAndResumesFromTheGroupsCheckpoints() {
        assertEquals(0, lb.run("stream", "create", "g", "-p", "2").code());
        publish(0, 10);
        CliHarness.Result first = lb.run("tail", "g", "--group", "G", "--from", "earliest", "--count", "10",
                "--format", "%v\\n");
        assertEquals(0, first.code(), first.toString());
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "m" + i).collect(Collectors.toCollection(TreeSet::new)),
                lines(first), "both partitions were assigned to the only member");
        assertTrue(first.err().contains("joined group G"), first.err());

        publish(10, 15);
        CliHarness.Result second = lb.run("tail", "g", "--group", "G", "--from", "earliest", "--count", "5",
                "--format", "%v\\n");
        assertEquals(0, second.code(), second.toString());
        assertEquals(IntStream.range(10, 15).mapToObj(i -> "m" + i).collect(Collectors.toCollection(TreeSet::new)),
                lines(second), "the second run resumed after the first run's checkpoints");
    }

    @Test
    void refusesOptionsThatDoNotApplyToAGroupMember() {
        assertEquals(0, lb.run("stream", "create", "g").code());
        CliHarness.Result r = lb.run("tail", "g", "--group", "G", "-p", "0");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("with --group the coordinator assigns partitions"), r.err());
        r = lb.run("tail", "g", "--group", "G", "--from", "42");
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertEquals(ExitCodes.USAGE, lb.run("tail", "g", "--consumer-id", "x").code());
    }
}
