package lb.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A small text file replaced atomically. Writing:
 * <ol>
 *   <li>write {@code <name>.tmp} and fsync it — dying here leaves the old file intact and a
 *       stray {@code .tmp} that the next write overwrites (and open ignores);</li>
 *   <li>rename it over {@code <name>} — atomic: a reader sees the old or the new content;</li>
 *   <li>fsync the directory so the rename itself is durable — dying before this may bring the
 *       old content back after a power loss, never a mix.</li>
 * </ol>
 * Not thread-safe; callers serialize writes.
 */
final class CheckpointFile {

    private final Path path;
    private final Path tmp;

    CheckpointFile(Path path) {
        this.path = path;
        this.tmp = path.resolveSibling(path.getFileName() + ".tmp");
    }

    void write(String content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(path.getParent());
    }

    /** The file's lines, or {@code null} if it does not exist. */
    List<String> readLines() throws IOException {
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null; // absent: a new log, or one that never checkpointed
        }
    }

    Path path() {
        return path;
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
