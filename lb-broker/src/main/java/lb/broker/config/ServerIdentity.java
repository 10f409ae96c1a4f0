package lb.broker.config;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * The server id and its file in the data directory (behavior.md §1.4).
 *
 * <p>On-disk format: {@code <data>/liftbridge} holds upstream's protobuf {@code ServerState}
 * message (field 1, string {@code serverID}), so a Liftbridge data directory's id is kept.
 *
 * <p>Rules: a stored id is used; when {@code clustering.server.id} is also configured and
 * differs, start-up fails naming both (upstream silently prefers the stored one, §15.31, and a
 * server would then rejoin its cluster under an id its operator does not expect). Without a
 * stored id the configured id, else a new random 22-character id, is written. Stateless;
 * call once at start-up before anything else uses the data directory.
 */
public final class ServerIdentity {
    /** The id file's name inside the data directory (upstream's). */
    public static final String FILE_NAME = "liftbridge";
    private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerIdentity() {
    }

    /**
     * This server's id: stored, else {@code configuredId}, else random; stored when new.
     *
     * @param dataDir      the data directory (created if missing)
     * @param configuredId clustering.server.id / --id, or null
     * @throws ConfigException when a stored id differs from the configured one, or the file is damaged
     */
    public static String resolve(Path dataDir, String configuredId) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            String stored = read(file);
            if (configuredId != null && !configuredId.equals(stored)) {
                throw new ConfigException("clustering.server.id \"" + configuredId + "\" differs from the id \"" + stored
                        + "\" stored in " + file + ": remove the setting to keep the stored id, or use a new data "
                        + "directory for a new server");
            }
            return stored;
        }
        String id = configuredId != null ? configuredId : randomId();
        write(dataDir, file, id);
        return id;
    }

    /** A new random id: 22 characters of [0-9A-Za-z] (about 131 bits), like a NATS NUID. */
    public static String randomId() {
        char[] c = new char[22];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    private static String read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        String id = null;
        try {
            CodedInputStream in = CodedInputStream.newInstance(data);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == (1 << 3 | 2)) {
                    id = in.readString();
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new ConfigException("server id file " + file + " is damaged (" + e.getMessage()
                    + "); restore it or remove it to start as a new server", e);
        }
        if (id == null || id.isEmpty()) {
            throw new ConfigException("server id file " + file + " holds no id; restore it or remove it to start "
                    + "as a new server");
        }
        return id;
    }

    /**
     * Writes the id crash-safely.
     * 1. Write and fsync {@code liftbridge.tmp}. Crash: no id file; the next start writes it again.
     * 2. Rename it to {@code liftbridge} and fsync the directory. Crash: the id is stored.
     */
    private static void write(Path dataDir, Path file, String id) throws IOException {
        Files.createDirectories(dataDir);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(1, id);
        out.flush();
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dataDir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
