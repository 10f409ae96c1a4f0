package lb.broker.nats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A per-I/O-thread cache of {@link SubjectTrie#match} results keyed by the subject's bytes, so a
 * publish to a known subject costs one hash and one compare, and allocates nothing.
 *
 * <p>Not thread-safe: each I/O thread owns one. Entries are valid for one trie generation; the
 * first lookup after any subscribe or unsubscribe clears the table. Open addressing with linear
 * probing; when half full it is cleared rather than grown, which bounds memory at
 * {@code CAPACITY} entries (nats-server similarly caps its sublist cache at 1024 subjects).
 */
final class MatchCache {
    private static final int CAPACITY = 2048; // power of two
    private static final int MAX_ENTRIES = CAPACITY / 2;

    private final SubjectTrie trie;
    private final byte[][] keys = new byte[CAPACITY][];
    private final int[] hashes = new int[CAPACITY];
    private final MatchResult[] values = new MatchResult[CAPACITY];
    private int size;
    private long generation = -1;

    MatchCache(SubjectTrie trie) {
        this.trie = trie;
    }

    MatchResult match(byte[] b, int off, int len) {
        long gen = trie.generation();
        if (gen != generation) {
            clear();
            generation = gen;
        }
        int h = hash(b, off, len);
        int mask = CAPACITY - 1;
        int slot = h & mask;
        while (keys[slot] != null) {
            if (hashes[slot] == h && Arrays.equals(keys[slot], 0, keys[slot].length, b, off, off + len)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
        MatchResult r = trie.match(new String(b, off, len, StandardCharsets.ISO_8859_1));
        if (r.generation != generation) {
            return r; // changed while we looked: use it once, do not cache under the old generation
        }
        if (size >= MAX_ENTRIES) {
            clear();
            slot = h & mask;
        }
        keys[slot] = Arrays.copyOfRange(b, off, off + len);
        hashes[slot] = h;
        values[slot] = r;
        size++;
        return r;
    }

    private void clear() {
        if (size > 0) {
            Arrays.fill(keys, null);
            Arrays.fill(values, null);
            size = 0;
        }
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x9747b28c;
        for (int i = off; i < off + len; i++) {
            h = (h ^ b[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
