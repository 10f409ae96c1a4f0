package lb.broker.raft;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Deterministic simulation of Raft ({@link RaftSimulation}). {@code -Draft.sim.seeds=N} sets how many
 * seeds run (default 2000, from {@code -Draft.sim.base}, default 1); {@code -Draft.sim.seed=S} replays
 * one seed with a trace of its events.
 */
class RaftSimulationTest {

    static String replayCommand(long seed) {
        return "./mvnw -B -q -pl lb-broker -am verify -Dtest='RaftSimulationTest#replaysOneSeed' "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Draft.sim.seed=" + seed;
    }

    @Test
    void keepsSafetyAndLivenessOverManySeeds() throws Exception {
        int seeds = Integer.getInteger("raft.sim.seeds", 2000);
        long base = Long.getLong("raft.sim.base", 1);
        int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "lb-raft-sim"));
        AtomicLong next = new AtomicLong(base);
        long[] totals = new long[9]; // guarded by itself
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    long seed;
                    while ((seed = next.getAndIncrement()) < base + seeds && failures.size() < 5) {
                        RaftSimulation sim = new RaftSimulation(seed, false);
                        try {
                            sim.run();
                            synchronized (totals) {
                                long[] v = {sim.acked, sim.reads, sim.crashes, sim.flips, sim.repaired, sim.refused,
                                        sim.membershipChanges, sim.transfers, 1};
                                for (int i = 0; i < v.length; i++) totals[i] += v[i];
                            }
                        } catch (AssertionError | RuntimeException e) {
                            failures.add(e instanceof AssertionError ? e.getMessage()
                                    : "seed " + seed + ": " + e + "\n  replay: " + replayCommand(seed));
                        }
                    }
                }));
            }
            for (Future<?> w : workers) w.get();
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("raft simulation: %d seeds from %d in %.1f s; passed %d: acknowledged increments %d, reads %d,"
                        + " crashes %d, bit flips %d, repaired servers %d, refused starts %d, membership changes %d,"
                        + " leadership transfers %d%n", seeds, base, (System.nanoTime() - start) / 1e9, totals[8],
                totals[0], totals[1], totals[2], totals[3], totals[4], totals[5], totals[6], totals[7]);
        if (!failures.isEmpty()) fail(failures.size() + " failing seed(s):\n" + String.join("\n", failures));
    }

    @Test
    void replaysOneSeed() {
        Long seed = Long.getLong("raft.sim.seed");
        assumeTrue(seed != null, "set -Draft.sim.seed=S to replay a seed");
        RaftSimulation sim = new RaftSimulation(seed, true);
        try {
            sim.run();
        } finally {
            System.out.println(sim.trace());
            System.out.println(sim.summary());
        }
    }
}
