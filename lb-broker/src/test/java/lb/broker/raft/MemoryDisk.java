package lb.broker.raft;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Simulated disk: each file has the bytes the process sees and the bytes that are durable.
 * {@link #crash()} models a power failure: what was synced survives, plus a random prefix of the
 * bytes appended after the last sync (a torn write); unsynced truncations are undone.
 * {@link #flipBit} models at-rest corruption of durable data. Single-threaded (the simulation's).
 */
final class MemoryDisk implements Disk {
    private static final class File {
        byte[] current = new byte[0];
        byte[] durable = new byte[0];
    }

    private final Map<String, File> files = new TreeMap<>();

    @Override
    public byte[] read(String name) {
        File f = files.get(name);
        return f == null ? null : f.current.clone();
    }

    @Override
    public void append(String name, byte[] bytes) {
        File f = files.computeIfAbsent(name, n -> new File());
        byte[] c = Arrays.copyOf(f.current, f.current.length + bytes.length);
        System.arraycopy(bytes, 0, c, f.current.length, bytes.length);
        f.current = c;
    }

    @Override
    public void truncate(String name, long length) {
        File f = files.computeIfAbsent(name, n -> new File());
        f.current = Arrays.copyOf(f.current, (int) Math.min(length, f.current.length));
    }

    @Override
    public void sync(String name) {
        File f = files.computeIfAbsent(name, n -> new File());
        f.durable = f.current.clone();
    }

    @Override
    public void replace(String name, byte[] bytes) {
        File f = files.computeIfAbsent(name, n -> new File());
        f.current = bytes.clone();
        f.durable = bytes.clone();
    }

    /** Power failure: keep durable bytes plus a random prefix of unsynced appended bytes. */
    void crash(Random random) {
        for (File f : files.values()) {
            byte[] d = f.durable;
            byte[] c = f.current;
            boolean extendsDurable = c.length > d.length && Arrays.equals(c, 0, d.length, d, 0, d.length);
            if (extendsDurable && random.nextBoolean()) {
                f.current = Arrays.copyOf(c, d.length + random.nextInt(c.length - d.length + 1));
            } else {
                f.current = d.clone();
            }
            f.durable = f.current.clone();
        }
    }

    /** Flips one random bit of one random non-empty durable file; returns a description or null. */
    String flipBit(Random random) {
        var names = files.entrySet().stream().filter(e -> e.getValue().durable.length > 0).map(Map.Entry::getKey).toList();
        if (names.isEmpty()) return null;
        String name = names.get(random.nextInt(names.size()));
        File f = files.get(name);
        // Half the flips hit the last 64 bytes: the newest entries are the ones other servers may lack.
        int pos = random.nextBoolean() ? random.nextInt(f.durable.length)
                : Math.max(0, f.durable.length - 1 - random.nextInt(64));
        int bit = random.nextInt(8);
        f.durable[pos] ^= (byte) (1 << bit);
        f.current = f.durable.clone();
        return name + "[" + pos + "] bit " + bit;
    }
}
