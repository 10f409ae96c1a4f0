package lb.broker.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.liftbridge.proto.Api;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random metadata operations on a LocalCommandLog with small random snapshot thresholds,
 * restarting the log (fresh FSM) at random points: after every restart the state must equal
 * the state before it, and snapshots must be byte-identical. A failure prints its seed.
 */
class MetadataRestartTest {
    private static final List<String> SERVERS = List.of("n1", "n2", "n3");

    @TempDir
    Path root;

    @Test
    void randomOperationsSurviveRestarts() throws Exception {
        long base = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            long seed = base + i;
            try {
                run(seed, root.resolve("run-" + i));
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void run(long seed, Path dir) throws Exception {
        Random rnd = new Random(seed);
        TestClock clock = new TestClock(1_700_000_000L);
        int threshold = 1 + rnd.nextInt(20);
        LocalCommandLog log = new LocalCommandLog(dir, "n1", threshold);
        MetadataFsm fsm = new MetadataFsm();
        log.start(fsm);
        MetadataController c = new MetadataController(log, fsm, () -> SERVERS, clock);
        try {
            for (int step = 0; step < 120; step++) {
                clock.advanceMs(1 + rnd.nextInt(100));
                String name = "s" + rnd.nextInt(5);
                List<Integer> ids = rnd.nextBoolean() ? List.of() : List.of(rnd.nextInt(3));
                CompletableFuture<?> f = switch (rnd.nextInt(9)) {
                    case 0, 1 -> c.createStream(Api.CreateStreamRequest.newBuilder().setName(name).setSubject("x." + name)
                            .setPartitions(1 + rnd.nextInt(3)).setReplicationFactor(1 + rnd.nextInt(3)).build());
                    case 2 -> c.deleteStream(name);
                    case 3 -> c.pauseStream(name, ids, rnd.nextBoolean());
                    case 4 -> c.resumePartitions(name, ids);
                    case 5 -> c.setStreamReadonly(name, ids, rnd.nextBoolean());
                    case 6 -> c.electLeader(name, rnd.nextInt(3));
                    case 7 -> {
                        PartitionInfo p = fsm.view().partition(name, 0);
                        yield p == null ? c.recordActivity(step)
                                : c.shrinkIsr(name, 0, SERVERS.get(rnd.nextInt(3)), p.leader(), p.leaderEpoch());
                    }
                    default -> {
                        PartitionInfo p = fsm.view().partition(name, 0);
                        yield p == null ? c.ensureInternalStream(InternalStreams.activity("ns"))
                                : c.expandIsr(name, 0, SERVERS.get(rnd.nextInt(3)), p.leader(), p.leaderEpoch());
                    }
                };
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof MetadataException)) {
                        throw e;
                    }
                }
                if (rnd.nextInt(15) == 0) {
                    MetadataView before = fsm.view();
                    byte[] snapshotBefore = fsm.snapshot();
                    log.close();
                    threshold = 1 + rnd.nextInt(20);
                    log = new LocalCommandLog(dir, "n1", threshold);
                    fsm = new MetadataFsm();
                    log.start(fsm);
                    c = new MetadataController(log, fsm, () -> SERVERS, clock);
                    assertEquals(before, fsm.view(), "state after restart at step " + step);
                    assertArrayEquals(snapshotBefore, fsm.snapshot());
                }
            }
        } finally {
            log.close();
        }
    }
}
