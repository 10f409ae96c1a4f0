package lb.broker.nats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * All subscriptions of the server, in a trie by subject token, with {@code *} and {@code >}
 * children at each level (the shape of nats-server's sublist).
 *
 * <p>Thread-safe: {@link #insert} and {@link #remove} take the write lock, {@link #match} the read
 * lock. Each change bumps {@link #generation()} while holding the write lock, so a result
 * computed under the read lock is exact for the generation read with it; {@link MatchCache}
 * (one per I/O thread) keys its entries by that generation. No other lock is taken while this
 * one is held.
 */
final class SubjectTrie {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Level root = new Level();
    private volatile long generation;
    private int count;

    private static final class Level {
        final HashMap<String, Node> literal = new HashMap<>();
        Node star;
        Node rest;

        boolean isEmpty() {
            return literal.isEmpty() && star == null && rest == null;
        }
    }

    private static final class Node {
        Level next;
        final ArrayList<Subscription> plain = new ArrayList<>(2);
        final LinkedHashMap<String, ArrayList<Subscription>> queues = new LinkedHashMap<>();

        boolean isEmpty() {
            return plain.isEmpty() && queues.isEmpty() && (next == null || next.isEmpty());
        }
    }

    /** The generation of the subscription set; changes on every insert and remove. */
    long generation() {
        return generation;
    }

    int count() {
        lock.readLock().lock();
        try {
            return count;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Adds a subscription whose subject was validated with {@link Subjects#isValidSubscribe}. */
    void insert(Subscription sub) {
        String[] tokens = sub.subject.split("\\.", -1);
        lock.writeLock().lock();
        try {
            Level level = root;
            Node node = null;
            for (String t : tokens) {
                if (t.equals("*")) {
                    if (level.star == null) {
                        level.star = new Node();
                    }
                    node = level.star;
                } else if (t.equals(">")) {
                    if (level.rest == null) {
                        level.rest = new Node();
                    }
                    node = level.rest;
                } else {
                    node = level.literal.computeIfAbsent(t, k -> new Node());
                }
                if (node.next == null) {
                    node.next = new Level();
                }
                level = node.next;
            }
            if (sub.queue == null) {
                node.plain.add(sub);
            } else {
                node.queues.computeIfAbsent(sub.queue, k -> new ArrayList<>(2)).add(sub);
            }
            count++;
            generation++;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes a subscription; returns false if it was not there (removal is idempotent). */
    boolean remove(Subscription sub) {
        String[] tokens = sub.subject.split("\\.", -1);
        lock.writeLock().lock();
        try {
            boolean removed = remove(root, tokens, 0, sub);
            if (removed) {
                count--;
                generation++;
            }
            return removed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static boolean remove(Level level, String[] tokens, int i, Subscription sub) {
        String t = tokens[i];
        Node node = t.equals("*") ? level.star : t.equals(">") ? level.rest : level.literal.get(t);
        if (node == null) {
            return false;
        }
        boolean removed;
        if (i == tokens.length - 1) {
            if (sub.queue == null) {
                removed = node.plain.remove(sub);
            } else {
                ArrayList<Subscription> group = node.queues.get(sub.queue);
                removed = group != null && group.remove(sub);
                if (group != null && group.isEmpty()) {
                    node.queues.remove(sub.queue);
                }
            }
        } else {
            removed = node.next != null && remove(node.next, tokens, i + 1, sub);
        }
        if (removed && node.isEmpty()) { // prune so churn does not leak nodes
            if (t.equals("*")) {
                level.star = null;
            } else if (t.equals(">")) {
                level.rest = null;
            } else {
                level.literal.remove(t);
            }
        }
        return removed;
    }

    /** All subscriptions matching a literal subject, as one immutable snapshot. */
    MatchResult match(String subject) {
        String[] tokens = subject.split("\\.", -1);
        lock.readLock().lock();
        try {
            List<Subscription> plain = new ArrayList<>();
            Map<String, List<Subscription>> queues = new LinkedHashMap<>();
            collect(root, tokens, 0, plain, queues);
            return MatchResult.of(plain, queues, generation);
        } finally {
            lock.readLock().unlock();
        }
    }

    private static void collect(Level level, String[] tokens, int i,
                                List<Subscription> plain, Map<String, List<Subscription>> queues) {
        if (level.rest != null) {
            add(level.rest, plain, queues);
        }
        Node lit = level.literal.get(tokens[i]);
        Node star = level.star;
        boolean last = i == tokens.length - 1;
        for (Node node : new Node[] {lit, star}) {
            if (node == null) {
                continue;
            }
            if (last) {
                add(node, plain, queues);
            } else if (node.next != null) {
                collect(node.next, tokens, i + 1, plain, queues);
            }
        }
    }

    private static void add(Node node, List<Subscription> plain, Map<String, List<Subscription>> queues) {
        plain.addAll(node.plain);
        for (Map.Entry<String, ArrayList<Subscription>> e : node.queues.entrySet()) {
            queues.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
        }
    }
}
