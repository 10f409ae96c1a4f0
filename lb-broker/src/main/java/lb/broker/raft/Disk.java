package lb.broker.raft;

import java.io.IOException;

/**
 * The few file operations Raft storage needs, so the simulation can model a power failure (only
 * synced bytes survive) and bit flips. Implementations: {@link FileDisk} (real files); the test
 * {@code MemoryDisk}. Used by one thread at a time (the node's).
 */
public interface Disk {
    /** The file's current content, or null if it does not exist. */
    byte[] read(String name) throws IOException;

    /** Appends to the file (creating it); not durable until {@link #sync}. */
    void append(String name, byte[] bytes) throws IOException;

    /** Cuts the file to {@code length} bytes; not durable until {@link #sync}. */
    void truncate(String name, long length) throws IOException;

    /** Makes every earlier append/truncate of the file durable (fsync). */
    void sync(String name) throws IOException;

    /** Replaces the whole file atomically and durably (temp file, fsync, rename, fsync directory). */
    void replace(String name, byte[] bytes) throws IOException;
}
