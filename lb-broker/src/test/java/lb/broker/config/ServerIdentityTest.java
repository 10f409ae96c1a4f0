package lb.broker.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerIdentityTest {
    @TempDir
    Path dir;

    @Test
    void generatesAndKeepsARandomId() throws Exception {
        Path data = dir.resolve("data");
        String id = ServerIdentity.resolve(data, null);
        assertTrue(id.matches("[0-9A-Za-z]{22}"), id);
        assertEquals(id, ServerIdentity.resolve(data, null));
        assertEquals(id, ServerIdentity.resolve(data, id), "the configured id may repeat the stored one");
        assertNotEquals(id, ServerIdentity.resolve(dir.resolve("other"), null));
        assertTrue(Files.notExists(data.resolve("liftbridge.tmp")));
    }

    @Test
    void storesTheConfiguredIdInUpstreamFormat() throws Exception {
        assertEquals("server-2", ServerIdentity.resolve(dir, "server-2"));
        byte[] expected = new byte[2 + 8];
        expected[0] = 0x0A; // field 1, length-delimited
        expected[1] = 8;
        System.arraycopy("server-2".getBytes(StandardCharsets.UTF_8), 0, expected, 2, 8);
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("liftbridge")));
    }

    @Test
    void readsAnUpstreamFile() throws Exception {
        Files.write(dir.resolve("liftbridge"), new byte[] {0x0A, 3, 'a', 'b', 'c'});
        assertEquals("abc", ServerIdentity.resolve(dir, null));
    }

    @Test
    void aDifferentConfiguredIdIsRefused() throws Exception {
        ServerIdentity.resolve(dir, "one");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerIdentity.resolve(dir, "two"));
        assertEquals("clustering.server.id \"two\" differs from the id \"one\" stored in " + dir.resolve("liftbridge")
                + ": remove the setting to keep the stored id, or use a new data directory for a new server", e.getMessage());
    }

    @Test
    void aDamagedFileIsReported() throws Exception {
        Files.write(dir.resolve("liftbridge"), new byte[] {0x0A, 50, 'a'});
        ConfigException e = assertThrows(ConfigException.class, () -> ServerIdentity.resolve(dir, null));
        assertTrue(e.getMessage().startsWith("server id file " + dir.resolve("liftbridge") + " is damaged"), e.getMessage());
        Files.write(dir.resolve("liftbridge"), new byte[0]);
        e = assertThrows(ConfigException.class, () -> ServerIdentity.resolve(dir, null));
        assertTrue(e.getMessage().contains("holds no id"), e.getMessage());
    }
}
