package lb.broker.raft;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link Disk} over a directory of real files. Not thread-safe: owned by the node's thread.
 * Keeps one open channel per appended file; {@link #close()} releases them.
 */
public final class FileDisk implements Disk, AutoCloseable {
    private final Path dir;
    private final Map<String, FileChannel> open = new HashMap<>();

    public FileDisk(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public Path dir() { return dir; }

    @Override
    public byte[] read(String name) throws IOException {
        try {
            return Files.readAllBytes(dir.resolve(name));
        } catch (NoSuchFileException e) {
            return null; // absent is a normal answer here: the caller treats it as "no state yet"
        }
    }

    private FileChannel channel(String name) throws IOException {
        FileChannel ch = open.get(name);
        if (ch == null) {
            boolean created = !Files.exists(dir.resolve(name));
            ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            ch.position(ch.size());
            open.put(name, ch);
            if (created) syncDirectory(); // a new file's name must survive a power failure, not just its bytes
        }
        return ch;
    }

    @Override
    public void append(String name, byte[] bytes) throws IOException {
        FileChannel ch = channel(name);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) ch.write(b);
    }

    @Override
    public void truncate(String name, long length) throws IOException {
        FileChannel ch = channel(name);
        ch.truncate(length);
        ch.position(length);
    }

    @Override
    public void sync(String name) throws IOException {
        channel(name).force(false);
    }

    /**
     * Crash-safe replace:
     * <ol>
     *   <li>write {@code name.tmp} and fsync it — a crash leaves the old file intact and a stray temp
     *       file, which the next replace overwrites;</li>
     *   <li>rename over {@code name} — atomic: readers see the old or the new content;</li>
     *   <li>fsync the directory so the rename itself survives a power failure.</li>
     * </ol>
     */
    @Override
    public void replace(String name, byte[] bytes) throws IOException {
        FileChannel old = open.remove(name);
        if (old != null) old.close();
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (FileChannel ch : open.values()) {
            try {
                ch.close();
            } catch (IOException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        open.clear();
        if (failure != null) throw failure;
    }
}
