package lb.broker.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The trie and its cache against a naive model: match every subscription's pattern by hand. */
class SubjectTrieTest {
    private static final String[] TOKENS = {"a", "b", "c", "*", ">"};

    /** The model: does a subscription pattern match a literal subject? */
    static boolean modelMatches(String pattern, String subject) {
        String[] p = pattern.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || (!p[i].equals("*") && !p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }

    private static String randomPattern(Random r) {
        int n = 1 + r.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String t = TOKENS[r.nextInt(i == n - 1 ? 5 : 4)];
            sb.append(i == 0 ? "" : ".").append(t);
        }
        return sb.toString();
    }

    private static String randomSubject(Random r) {
        int n = 1 + r.nextInt(4);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ".").append(TOKENS[r.nextInt(3)]);
        }
        return sb.toString();
    }

    private static Set<Subscription> flatten(MatchResult r) {
        Set<Subscription> all = new HashSet<>(List.of(r.plain));
        for (Subscription[] g : r.queueGroups) {
            all.addAll(List.of(g));
        }
        return all;
    }

    @Test
    void matchesAgreeWithTheModelThroughRandomSubscribeAndUnsubscribe() {
        long seed = 42;
        Random r = new Random(seed);
        SubjectTrie trie = new SubjectTrie();
        MatchCache cache = new MatchCache(trie);
        List<Subscription> live = new ArrayList<>();
        for (int step = 0; step < 5000; step++) {
            int op = r.nextInt(10);
            if (op < 3 || live.isEmpty()) {
                String queue = r.nextInt(3) == 0 ? "q" + r.nextInt(2) : null;
                Subscription s = new Subscription(null, randomPattern(r), queue, "s" + step);
                trie.insert(s);
                live.add(s);
            } else if (op < 5) {
                Subscription s = live.remove(r.nextInt(live.size()));
                assertTrue(trie.remove(s), "seed " + seed + " step " + step);
                assertFalse(trie.remove(s), "removal is idempotent");
            } else {
                String subject = randomSubject(r);
                Set<Subscription> expected = new HashSet<>();
                for (Subscription s : live) {
                    if (modelMatches(s.subject, subject)) {
                        expected.add(s);
                    }
                }
                byte[] b = ("xx" + subject + "yy").getBytes(StandardCharsets.ISO_8859_1);
                assertEquals(expected, flatten(trie.match(subject)), "seed " + seed + " step " + step + " " + subject);
                assertEquals(expected, flatten(cache.match(b, 2, b.length - 4)), "cached, step " + step + " " + subject);
                for (Subscription[] g : trie.match(subject).queueGroups) {
                    assertEquals(1, Set.of(g).stream().map(s -> s.queue).distinct().count(), "one group per queue name");
                }
            }
            assertEquals(live.size(), trie.count());
        }
    }

    @Test
    void subjectRules() {
        for (String ok : List.of("a", "a.b", "*", ">", "a.*.c", "a.>", "a*", "a>.b", "*.*")) {
            assertTrue(Subjects.isValidSubscribe(ok), ok);
        }
        for (String bad : List.of("", ".", "a.", ".a", "a..b", "a.>.b", "> .a", "a b", "a\tb", ">.a")) {
            assertFalse(Subjects.isValidSubscribe(bad), bad);
        }
        for (String ok : List.of("a", "a.b", "a*", "a>.b")) {
            byte[] b = ok.getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(Subjects.isValidLiteral(b, 0, b.length), ok);
        }
        for (String bad : List.of("", "a.*", ">", "a..b", "a.", "a b")) {
            byte[] b = bad.getBytes(StandardCharsets.ISO_8859_1);
            assertFalse(Subjects.isValidLiteral(b, 0, b.length), bad);
        }
    }

    @Test
    void concurrentSubscribeAndUnsubscribeNeverCorruptsMatches() throws Exception {
        SubjectTrie trie = new SubjectTrie();
        Subscription stable = new Subscription(null, "orders.>", null, "stable");
        trie.insert(stable);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                try {
                    Random r = new Random(id);
                    for (int i = 0; i < 20000; i++) {
                        Subscription s = new Subscription(null, "orders." + (r.nextBoolean() ? "*" : "eu") + ".x" + id, null, "c" + i);
                        trie.insert(s);
                        trie.remove(s);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "test-churn-" + t));
        }
        Thread reader = new Thread(() -> {
            MatchCache cache = new MatchCache(trie);
            byte[] subject = "orders.eu.x9".getBytes(StandardCharsets.ISO_8859_1);
            try {
                while (!stop.get()) {
                    MatchResult r = cache.match(subject, 0, subject.length);
                    if (!List.of(r.plain).contains(stable)) {
                        throw new AssertionError("the stable subscription vanished from a match");
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "test-matcher");
        reader.start();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        stop.set(true);
        reader.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(1, trie.count());
    }
}
