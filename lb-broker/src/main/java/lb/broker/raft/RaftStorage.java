package lb.broker.raft;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Durable Raft state over a {@link Disk}: term and vote, the log, the latest snapshot. Owned by the
 * node's thread; not thread-safe. The whole log after the snapshot is also kept in memory (metadata
 * logs are small and compacted every {@code raft.snapshot.threshold} entries).
 *
 * <h2>Files (all big-endian, CRC-32C)</h2>
 * <ul>
 *   <li>{@code state}: {@code int magic 'LBRH', int crc(rest), long term, short voteLength, UTF-8 vote
 *       (empty = none), byte recovering}. Replaced atomically.</li>
 *   <li>{@code log}: records {@code int bodyLength, int crc(bodyLength), int crc(body), body} with body
 *       {@code long index, long term, byte type, data}. Appended, fsynced by {@link #sync()}; rewritten
 *       atomically on compaction.</li>
 *   <li>{@code snapshot}: {@code int magic 'LBRS', int crc(rest), long index, long term, int membershipLength,
 *       membership, int dataLength, data}; empty file = none. Replaced atomically.</li>
 * </ul>
 *
 * <h2>Corruption</h2>
 * The file length is trusted (a bit flip cannot change it; a power failure can only lose unsynced
 * bytes), so a record cut off by the end of the file after an intact header is a torn, never
 * acknowledged write and is dropped silently. Any checksum failure is corruption of possibly
 * acknowledged state: {@link #open()} keeps the good prefix, records {@code recovering = true} durably
 * and reports it. A recovering server neither votes nor campaigns until a leader has brought its log
 * to the leader's end ({@link RaftNode}). A corrupt {@code state} file cannot be repaired safely (the
 * vote of the current term is lost): {@link #open()} throws {@link CorruptStateException}.
 */
public final class RaftStorage {
    static final String STATE = "state";
    static final String LOG = "log";
    static final String SNAPSHOT = "snapshot";
    private static final int STATE_MAGIC = 0x4C425248;
    private static final int SNAPSHOT_MAGIC = 0x4C425253;
    private static final int RECORD_HEADER = 12;

    private final Disk disk;
    private long term;
    private String votedFor;
    private boolean recovering;

    private long snapshotIndex;
    private long snapshotTerm;
    private Membership snapshotMembership = Membership.EMPTY;
    private byte[] snapshotData = new byte[0];

    private final ArrayList<LogEntry> entries = new ArrayList<>(); // entries.get(i).index() == snapshotIndex + 1 + i
    private final ArrayList<Long> positions = new ArrayList<>();  // file position of each entry's record
    private long logLength;
    private String corruption; // description of what open() found, or null

    public RaftStorage(Disk disk) {
        this.disk = disk;
    }

    /**
     * Loads everything. Recovery steps when corruption is found (each safe to crash in, because a
     * crash re-runs open() on the same or a more repaired state):
     * <ol>
     *   <li>write {@code state} with {@code recovering = true} and the term raised by one — from here on
     *       the server will not vote even if it crashes before the next steps;</li>
     *   <li>if the snapshot is corrupt, replace it with an empty file and drop the whole log (its
     *       prefix is gone with the snapshot);</li>
     *   <li>rewrite {@code log} atomically with the good entries only.</li>
     * </ol>
     * A torn tail only truncates the log file to its last whole record and syncs.
     *
     * @throws CorruptStateException if the {@code state} file fails its checksum
     */
    public void open() throws IOException {
        loadState();
        boolean snapshotBad = !loadSnapshot();
        byte[] log = disk.read(LOG);
        String logProblem = snapshotBad ? null : loadLog(log == null ? new byte[0] : log);
        if (snapshotBad || logProblem != null) {
            corruption = snapshotBad ? "snapshot failed its checksum" : logProblem;
            // Move to a new term: messages a leader of the old term sent before the corruption are then
            // refused as stale, so only a leader elected afterwards (which holds every entry this server
            // had acknowledged, since this server casts no vote while recovering) can end the recovery.
            term = term + 1;
            votedFor = null;
            recovering = true;
            writeState();                                  // step 1
            if (snapshotBad) {
                disk.replace(SNAPSHOT, new byte[0]);       // step 2
                snapshotIndex = 0;
                snapshotTerm = 0;
                snapshotMembership = Membership.EMPTY;
                snapshotData = new byte[0];
                entries.clear();
            }
            rewriteLog();                                  // step 3
        } else if (coveredBySnapshot) {
            rewriteLog();
        } else if (log != null && logLength < log.length) {
            disk.truncate(LOG, logLength);
            disk.sync(LOG);
        }
    }

    /** What open() found corrupt and repaired, or null. */
    public String corruption() { return corruption; }

    // ---- term and vote -------------------------------------------------------------------------

    public long term() { return term; }
    public String votedFor() { return votedFor; }
    /** True while this server's own state was found corrupt and it has not yet caught up from a leader. */
    public boolean recovering() { return recovering; }

    /** Durably records term, vote and the recovering flag (atomic replace). */
    public void setHardState(long term, String votedFor, boolean recovering) throws IOException {
        if (term == this.term && java.util.Objects.equals(votedFor, this.votedFor) && recovering == this.recovering) {
            return;
        }
        this.term = term;
        this.votedFor = votedFor;
        this.recovering = recovering;
        writeState();
    }

    private void writeState() throws IOException {
        byte[] vote = votedFor == null ? new byte[0] : votedFor.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(8 + 2 + vote.length + 1);
        body.putLong(term).putShort((short) vote.length).put(vote).put((byte) (recovering ? 1 : 0));
        disk.replace(STATE, withMagicAndCrc(STATE_MAGIC, body.array()));
    }

    private void loadState() throws IOException {
        byte[] s = disk.read(STATE);
        if (s == null || s.length == 0) return;
        byte[] body = checkMagicAndCrc(STATE_MAGIC, s);
        if (body == null) {
            throw new CorruptStateException("Raft state file '" + STATE + "' (" + s.length + " bytes) failed its "
                    + "checksum: this server's term and vote cannot be trusted, so it must not rejoin with them. "
                    + "Remove its Raft directory and start it without bootstrap flags so that it joins as a new "
                    + "member, after removing the old member from the group.");
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        term = b.getLong();
        byte[] vote = new byte[b.getShort() & 0xffff];
        b.get(vote);
        votedFor = vote.length == 0 ? null : new String(vote, StandardCharsets.UTF_8);
        recovering = b.get() == 1;
    }

    // ---- snapshot --------------------------------------------------------------------------------

    public long snapshotIndex() { return snapshotIndex; }
    public long snapshotTerm() { return snapshotTerm; }
    public Membership snapshotMembership() { return snapshotMembership; }
    public byte[] snapshotData() { return snapshotData; }

    /**
     * Stores a snapshot covering the log up to {@code index} and compacts. Crash-safe steps:
     * <ol>
     *   <li>replace {@code snapshot} — after a crash here, open() ignores log entries up to the
     *       snapshot's index;</li>
     *   <li>drop the covered entries (all entries if the log does not contain {@code index} with
     *       {@code lastTerm}: an installed snapshot from the leader then replaces the log) and rewrite
     *       {@code log} atomically.</li>
     * </ol>
     */
    public void saveSnapshot(long index, long lastTerm, Membership membership, byte[] data) throws IOException {
        if (index <= snapshotIndex) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] m = membership.encode();
        ByteBuffer head = ByteBuffer.allocate(8 + 8 + 4 + m.length + 4);
        head.putLong(index).putLong(lastTerm).putInt(m.length).put(m).putInt(data.length);
        out.writeBytes(head.array());
        out.writeBytes(data);
        disk.replace(SNAPSHOT, withMagicAndCrc(SNAPSHOT_MAGIC, out.toByteArray()));     // step 1
        boolean keepSuffix = index <= lastIndex() && term(index) == lastTerm;
        List<LogEntry> rest = keepSuffix ? new ArrayList<>(entries.subList((int) (index - snapshotIndex), entries.size()))
                : List.of();
        snapshotIndex = index;
        snapshotTerm = lastTerm;
        snapshotMembership = membership;
        snapshotData = data;
        entries.clear();
        entries.addAll(rest);
        rewriteLog();                                                                   // step 2
    }

    private boolean loadSnapshot() throws IOException {
        byte[] s = disk.read(SNAPSHOT);
        if (s == null || s.length == 0) return true;
        byte[] body = checkMagicAndCrc(SNAPSHOT_MAGIC, s);
        if (body == null) return false;
        try {
            ByteBuffer b = ByteBuffer.wrap(body);
            snapshotIndex = b.getLong();
            snapshotTerm = b.getLong();
            byte[] m = new byte[b.getInt()];
            b.get(m);
            snapshotMembership = Membership.decode(m);
            snapshotData = new byte[b.getInt()];
            b.get(snapshotData);
            return true;
        } catch (RuntimeException e) {
            // checksum matched but content is malformed: only a bug writes that; treat it as corrupt
            return false;
        }
    }

    // ---- log -------------------------------------------------------------------------------------

    public long firstIndex() { return snapshotIndex + 1; }
    public long lastIndex() { return snapshotIndex + entries.size(); }

    /** Term of the entry at {@code index}; the snapshot's term at its index; 0 at index 0; -1 if unknown. */
    public long term(long index) {
        if (index == snapshotIndex) return snapshotTerm;
        if (index < snapshotIndex || index > lastIndex()) return index == 0 ? 0 : -1;
        return entries.get((int) (index - snapshotIndex - 1)).term();
    }

    public LogEntry entry(long index) {
        if (index <= snapshotIndex || index > lastIndex()) {
            throw new IllegalArgumentException("index " + index + " outside log [" + firstIndex() + ", " + lastIndex() + "]");
        }
        return entries.get((int) (index - snapshotIndex - 1));
    }

    /** Up to {@code max} entries from {@code from}. */
    public List<LogEntry> entries(long from, int max) {
        if (from > lastIndex()) return List.of();
        int start = (int) (from - snapshotIndex - 1);
        return List.copyOf(entries.subList(start, Math.min(entries.size(), start + max)));
    }

    /** Appends entries that continue the log; durable only after {@link #sync()}. */
    public void append(List<LogEntry> newEntries) throws IOException {
        if (newEntries.isEmpty()) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long pos = logLength;
        for (LogEntry e : newEntries) {
            if (e.index() != lastIndex() + 1) {
                throw new IllegalStateException("append of " + e.index() + " after last index " + lastIndex());
            }
            byte[] rec = encodeRecord(e);
            positions.add(pos);
            entries.add(e);
            pos += rec.length;
            out.writeBytes(rec);
        }
        disk.append(LOG, out.toByteArray());
        logLength = pos;
    }

    /** Removes entries from {@code index} on; durable only after {@link #sync()}. */
    public void truncateFrom(long index) throws IOException {
        if (index <= snapshotIndex) throw new IllegalStateException("cannot truncate into the snapshot at " + index);
        if (index > lastIndex()) return;
        int keep = (int) (index - snapshotIndex - 1);
        logLength = positions.get(keep);
        entries.subList(keep, entries.size()).clear();
        positions.subList(keep, positions.size()).clear();
        disk.truncate(LOG, logLength);
    }

    /** fsync of the log: everything appended or truncated so far survives a crash. */
    public void sync() throws IOException {
        disk.sync(LOG);
    }

    private void rewriteLog() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        positions.clear();
        for (LogEntry e : entries) {
            positions.add((long) out.size());
            out.writeBytes(encodeRecord(e));
        }
        logLength = out.size();
        disk.replace(LOG, out.toByteArray());
    }

    /** Scans the log file; returns a description of corruption, or null (a torn tail is not corruption). */
    private String loadLog(byte[] log) {
        ByteBuffer b = ByteBuffer.wrap(log);
        int pos = 0;
        long previous = -1;
        while (true) {
            if (log.length - pos < RECORD_HEADER) break;                       // torn header: never synced
            int len = b.getInt(pos);
            int headerCrc = b.getInt(pos + 4);
            if (crc(log, pos, 4) != headerCrc || len < 17) return "log record header at byte " + pos + " failed its checksum";
            if (log.length - pos - RECORD_HEADER < len) break;                   // torn body: never synced
            int bodyCrc = b.getInt(pos + 8);
            int bodyAt = pos + RECORD_HEADER;
            if (crc(log, bodyAt, len) != bodyCrc) return "log record at byte " + pos + " failed its checksum";
            long index = b.getLong(bodyAt);
            long t = b.getLong(bodyAt + 8);
            byte type = b.get(bodyAt + 16);
            if (previous != -1 && index != previous + 1) {
                return "log record at byte " + pos + " has index " + index + " after " + previous;
            }
            if (previous == -1 && index > snapshotIndex + 1) {
                return "log starts at index " + index + " but the snapshot ends at " + snapshotIndex;
            }
            previous = index;
            if (index > snapshotIndex) {
                entries.add(new LogEntry(index, t, type, java.util.Arrays.copyOfRange(log, bodyAt + 17, bodyAt + len)));
                positions.add((long) pos);
            } else {
                coveredBySnapshot = true;
            }
            pos = bodyAt + len;
        }
        logLength = pos;
        return null;
    }

    /** open() found entries the snapshot covers (a crash between its two steps): the log is rewritten. */
    private boolean coveredBySnapshot;

    private static byte[] encodeRecord(LogEntry e) {
        int len = 17 + e.data().length;
        ByteBuffer b = ByteBuffer.allocate(RECORD_HEADER + len);
        b.putInt(len);
        b.putInt(0);
        b.putInt(0);
        b.putLong(e.index()).putLong(e.term()).put(e.type()).put(e.data());
        byte[] a = b.array();
        ByteBuffer.wrap(a).putInt(4, crc(a, 0, 4)).putInt(8, crc(a, RECORD_HEADER, len));
        return a;
    }

    private static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    private static byte[] withMagicAndCrc(int magic, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(8 + body.length);
        b.putInt(magic).putInt(crc(body, 0, body.length)).put(body);
        return b.array();
    }

    private static byte[] checkMagicAndCrc(int magic, byte[] file) {
        if (file.length < 8) return null;
        ByteBuffer b = ByteBuffer.wrap(file);
        if (b.getInt(0) != magic) return null;
        if (crc(file, 8, file.length - 8) != b.getInt(4)) return null;
        return java.util.Arrays.copyOfRange(file, 8, file.length);
    }
}
