package lb.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    @Test
    void byKeyIsCrc32OfTheKeyModuloPartitionsAsTheGoClient() {
        Partitioner p = Partitioner.byKey();
        // CRC-32/IEEE("foo") = 0x8c736521 = 2356372769; mod 3 = 2, mod 7 = 2356372769 % 7 = 4.
        assertEquals(2, p.partition("s", bytes("foo"), null, 3));
        assertEquals((int) (2356372769L % 7), p.partition("s", bytes("foo"), null, 7));
        // "123456789" has the published check value 0xcbf43926 = 3421780262 (unsigned).
        assertEquals((int) (3421780262L % 10), p.partition("s", bytes("123456789"), null, 10));
        assertEquals(0, p.partition("s", null, null, 5), "no key hashes as the empty key");
        assertEquals(0, p.partition("s", bytes("foo"), null, 0));
    }

    @Test
    void roundRobinCyclesPerStream() {
        Partitioner p = Partitioner.roundRobin();
        int[] a = new int[7];
        for (int i = 0; i < 7; i++) {
            a[i] = p.partition("a", null, null, 3);
        }
        assertEquals("[0, 1, 2, 0, 1, 2, 0]", java.util.Arrays.toString(a));
        assertEquals(0, p.partition("b", null, null, 3), "another stream has its own counter");
    }

    @Test
    void cursorPartitionIsCrc32OfIdStreamPartition() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes("c1,orders,4"));
        assertEquals((int) (crc.getValue() % 5), LiftbridgeClient.cursorPartition("c1", "orders", 4, 5));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
