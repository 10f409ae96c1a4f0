package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** lb stream offsets and lb stream describe --configs end to end. */
@org.junit.jupiter.api.Timeout(90)
class StreamInspectEndToEndTest extends BrokerCliTest {


    static JsonNode json(String... args) {
        return JSON.readTree(ok(h.run(args)).out());
    }

    @Test
    void offsetsResolveTimesAndPositionsPerPartition() throws Exception {
        ok(h.run("stream", "create", "offs", "-p", "2"));
        ok(h.run("publish", "offs", "-p", "0", "--count", "2", "m{{n}}"));
        // A time strictly after the first two messages and before the third.
        Instant between = Instant.now();
        long until = System.nanoTime() + 20_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        ok(h.run("publish", "offs", "-p", "0", "m3"));

        JsonNode plain = json("stream", "offsets", "offs", "--json");
        JsonNode p0 = plain.path("partitions").get(0);
        assertEquals(0, p0.path("oldest").asLong());
        assertEquals(2, p0.path("newest").asLong());
        assertEquals(2, p0.path("high_watermark").asLong());
        assertTrue(p0.path("offset").isMissingNode(), plain.toString());
        JsonNode p1 = plain.path("partitions").get(1);
        assertTrue(p1.path("oldest").isNull(), p1.toString());
        assertEquals(-1, p1.path("newest").asLong());

        JsonNode at = json("stream", "offsets", "offs", "@" + between.toEpochMilli(), "--json");
        assertEquals(2, at.path("partitions").get(0).path("offset").asLong(), at.toString());
        assertTrue(Instant.parse(at.path("partitions").get(0).path("time").asString()).isAfter(between.minusMillis(1)));
        assertEquals(0, at.path("partitions").get(1).path("offset").asLong(), "empty: the next offset");
        JsonNode future = json("stream", "offsets", "offs", "@+1h", "-p", "0", "--json");
        assertEquals(3, future.path("partitions").get(0).path("offset").asLong());
        assertTrue(future.path("partitions").get(0).path("time").isNull());
        assertEquals(1, future.path("partitions").size());
        assertEquals(1, json("stream", "offsets", "offs", "-2", "-p", "0", "--json").path("partitions").get(0)
                .path("offset").asLong());
        assertEquals(0, json("stream", "offsets", "offs", "earliest", "-p", "0", "--json").path("partitions").get(0)
                .path("offset").asLong());

        String table = ok(h.run("stream", "offsets", "offs", "last")).out();
        assertTrue(table.startsWith("PARTITION  OFFSET  TIME"), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("0\\s+2\\s+\\d{4}-.*Z\\s+0\\s+2\\s+2")), table);
        assertEquals(ExitCodes.USAGE, h.run("stream", "offsets", "offs", "yesterday").code());
        assertEquals(ExitCodes.NOT_FOUND, h.run("stream", "offsets", "nope").code());
        assertEquals(ExitCodes.NOT_FOUND, h.run("stream", "offsets", "offs", "-p", "5").code());
    }

    @Test
    void describeShowsTheConfigsTheApiExposesAndNamesTheRest() {
        ok(h.run("stream", "create", "cfg", "-p", "2", "--retention-age", "7d"));
        ok(h.run("stream", "pause", "cfg", "-p", "1"));
        JsonNode c = json("stream", "describe", "cfg", "--configs", "--json");
        assertEquals("cfg", c.path("configs").path("subject").asString());
        assertEquals("2", c.path("configs").path("partitions").asString());
        assertEquals("1", c.path("configs").path("replication.factor").asString());
        assertEquals("1/2", c.path("configs").path("paused.partitions").asString());
        assertTrue(c.path("configs_not_exposed").toString().contains("retention.max.age"), c.toString());
        assertTrue(c.path("partitions").isMissingNode(), "--configs alone: no partitions");
        JsonNode a = json("stream", "describe", "cfg", "--all", "--json");
        assertEquals(2, a.path("partitions").size());
        assertTrue(a.path("configs").isObject());
        String text = ok(h.run("stream", "describe", "cfg", "--all")).out();
        assertTrue(text.contains("replication.factor") && text.contains("not exposed by the API")
                && text.contains("PARTITION  LEADER"), text);
        JsonNode y = tools.jackson.dataformat.yaml.YAMLMapper.builder().build()
                .readTree(ok(h.run("stream", "describe", "cfg", "--all", "--format", "yaml")).out());
        assertEquals(2, y.path("partitions").size());
        assertEquals("cfg", y.path("configs").path("subject").asString());
        String plain = ok(h.run("stream", "describe", "cfg")).out();
        assertTrue(!plain.contains("KEY") && plain.contains("PARTITION"), plain);
    }

    @Test
    void offsetsOfAPausedPartition() {
        ok(h.run("stream", "create", "paused", "-p", "2"));
        ok(h.run("publish", "paused", "-p", "1", "x"));
        ok(h.run("stream", "pause", "paused", "-p", "1"));
        // The paused partition has no leader to ask: metadata offsets, no position, a note; exit 0.
        Result r = ok(h.run("stream", "offsets", "paused", "last"));
        assertTrue(r.err().contains("paused[1]: paused"), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("1\\s+-\\s+-\\s+-\\s+-\\s+-")), r.out());
        JsonNode j = json("stream", "offsets", "paused", "--json");
        assertEquals("paused", j.path("partitions").get(1).path("note").asString());
        assertTrue(j.path("partitions").get(0).path("note").isNull());
        assertTrue(j.path("partitions").get(1).path("newest").isNull());
    }
}
