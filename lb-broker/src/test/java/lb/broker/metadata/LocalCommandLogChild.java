package lb.broker.metadata;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link LocalCommandLogTest#everyCompletedProposalSurvivesKill9}: opens a
 * LocalCommandLog and proposes "c-0", "c-1", … with up to 64 in flight, printing "ACK i" once
 * proposal i has completed, until it is killed. Arguments: directory, first number, snapshot threshold.
 */
public final class LocalCommandLogChild {
    private LocalCommandLogChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        int threshold = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        ListApplier applier = new ListApplier();
        LocalCommandLog log = new LocalCommandLog(dir, "child", threshold);
        log.start(applier);
        out.println("READY " + applier.commands.size());
        Semaphore window = new Semaphore(64);
        for (int i = first; ; i++) {
            window.acquire();
            int n = i;
            log.propose(("c-" + n).getBytes(StandardCharsets.UTF_8)).whenComplete((r, e) -> {
                if (e == null) {
                    out.println("ACK " + n);
                } else {
                    out.println("ERR " + n + " " + e);
                }
                window.release();
            });
        }
    }
}
