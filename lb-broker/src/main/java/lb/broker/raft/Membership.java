package lb.broker.raft;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Raft configuration: the servers of the group and whether each one votes. Immutable.
 *
 * <p>Encoding (big-endian): {@code int count}, then per server sorted by id: {@code short idLength},
 * UTF-8 id, {@code byte voter (1|0)}.
 */
public record Membership(SortedMap<String, Boolean> servers) {
    public static final Membership EMPTY = new Membership(new TreeMap<>());

    public Membership {
        servers = Collections.unmodifiableSortedMap(new TreeMap<>(servers));
    }

    /** Bootstrap configuration: ids sorted, the first {@code maxQuorumSize} vote (0 = all vote). */
    public static Membership bootstrap(List<String> ids, int maxQuorumSize) {
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(ids));
        TreeMap<String, Boolean> m = new TreeMap<>();
        for (int i = 0; i < sorted.size(); i++) {
            m.put(sorted.get(i), maxQuorumSize <= 0 || i < maxQuorumSize);
        }
        return new Membership(m);
    }

    public boolean contains(String id) { return servers.containsKey(id); }

    public boolean isVoter(String id) { return Boolean.TRUE.equals(servers.get(id)); }

    public List<String> voters() {
        List<String> v = new ArrayList<>();
        servers.forEach((id, voter) -> { if (voter) v.add(id); });
        return v;
    }

    public int voterCount() {
        int n = 0;
        for (boolean v : servers.values()) if (v) n++;
        return n;
    }

    public Membership with(String id, boolean voter) {
        TreeMap<String, Boolean> m = new TreeMap<>(servers);
        m.put(id, voter);
        return new Membership(m);
    }

    public Membership without(String id) {
        TreeMap<String, Boolean> m = new TreeMap<>(servers);
        m.remove(id);
        return new Membership(m);
    }

    public byte[] encode() {
        int size = 4;
        for (String id : servers.keySet()) size += 3 + id.getBytes(StandardCharsets.UTF_8).length;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(servers.size());
        for (Map.Entry<String, Boolean> e : servers.entrySet()) {
            byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
            b.putShort((short) id.length).put(id).put((byte) (e.getValue() ? 1 : 0));
        }
        return b.array();
    }

    /** Decodes {@link #encode()}'s output; throws IllegalArgumentException on malformed bytes. */
    public static Membership decode(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            int n = b.getInt();
            if (n < 0 || n > 10_000) throw new IllegalArgumentException("bad membership size " + n);
            TreeMap<String, Boolean> m = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                byte[] id = new byte[b.getShort() & 0xffff];
                b.get(id);
                m.put(new String(id, StandardCharsets.UTF_8), b.get() == 1);
            }
            if (b.hasRemaining()) throw new IllegalArgumentException("trailing bytes in membership");
            return new Membership(m);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated membership", e);
        }
    }

    @Override
    public String toString() { return servers.toString(); }
}
