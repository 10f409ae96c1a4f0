package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.Test;

/** lb publish end to end: pipelining, templates, parse templates, --tee, partial failure. */
@org.junit.jupiter.api.Timeout(120)
class PublishEndToEndTest extends BrokerCliTest {


    @Test
    void pipelinedLinesKeepTheirOrderAndPrintAcksInOrder() {
        ok(h.run("stream", "create", "pipe", "-p", "3"));
        String in = IntStream.rangeClosed(1, 2000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        // Round-robin over three partitions: acks come back from three logs, printed in input order.
        Result p = ok(h.run(utf8(in), "publish", "pipe", "--partition-by", "round-robin", "--max-in-flight", "64",
                "--print", "%p@%o\\n"));
        assertTrue(p.err().contains("published 2000 messages"), p.err());
        String expected = IntStream.range(0, 2000).mapToObj(i -> (i % 3) + "@" + (i / 3))
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(expected, p.out());
        String replay = ok(h.run("replay", "pipe", "-p", "1")).out();
        String want = IntStream.rangeClosed(1, 2000).filter(i -> (i - 1) % 3 == 1).mapToObj(Integer::toString)
                .collect(Collectors.joining("\n", "", "\n"));
        assertEquals(want, replay);
        // --sync: one at a time, same result.
        ok(h.run("stream", "create", "one"));
        ok(h.run(utf8("a\nb\n"), "publish", "one", "--sync"));
        assertEquals("a\nb\n", ok(h.run("replay", "one")).out());
    }

    @Test
    void countRateAndValueTemplates() {
        ok(h.run("stream", "create", "tmpl"));
        Result p = ok(h.run("publish", "tmpl", "--count", "5", "--rate", "500/s", "-k", "k{{n}}", "-H", "at={{unix}}",
                "m{{n}} {{random 7 7}}"));
        assertTrue(p.err().contains("published 5 messages"), p.err());
        String out = ok(h.run("replay", "tmpl", "--format", "%k=%v %h{%k;}\\n")).out();
        assertEquals(5, out.lines().count(), out);
        assertTrue(out.startsWith("k1=m1 7 "), out);
        assertTrue(out.lines().allMatch(l -> l.contains("at;")), out);
        assertTrue(out.contains("k5=m5 7"), out);
        // --count caps stdin too.
        ok(h.run(utf8("x\ny\nz\n"), "publish", "tmpl", "-c", "2"));
        assertEquals("x\ny\n", ok(h.run("replay", "tmpl", "--from", "5")).out());
        Result bad = h.run("publish", "tmpl", "{{nope}}");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("known: {{n}}"), bad.err());
        assertEquals(ExitCodes.USAGE, h.run("publish", "tmpl", "--rate", "fast", "x").code());
        // The same correlation id on every message: pipelined, still all acked.
        ok(h.run("publish", "tmpl", "--count", "3", "--correlation-id", "same", "c"));
    }

    @Test
    void parseTemplateInputAndTee() {
        ok(h.run("stream", "create", "parsed", "-p", "2"));
        Result p = ok(h.run(utf8("1|a=x,b=y|k1\thello\n0||k2\tworld"), "publish", "parsed", "--input", "%p|%h|%k\\t%v\\n",
                "--tee"));
        assertEquals("hello\nworld\n", p.out());
        String one = ok(h.run("replay", "parsed", "-p", "1", "--format", "%k=%v %h{%k=%v;}\\n")).out();
        assertTrue(one.startsWith("k1=hello ") && one.contains("a=x;b=y;") && one.lines().count() == 1, one);
        assertEquals("k2=world\n", ok(h.run("replay", "parsed", "-p", "0", "--format", "%k=%v\\n")).out());
        Result bad = h.run(utf8("1|k\n"), "publish", "parsed", "--input", "%p|%k\\t%v\\n");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("record 1"), bad.err());
        assertEquals(ExitCodes.USAGE, h.run("publish", "parsed", "--input", "%k%v").code());
    }

    @Test
    void someFailedMessagesExitFiveAndAreReportedInOrder() {
        ok(h.run("stream", "create", "occp", "--optimistic-concurrency"));
        ok(h.run("publish", "occp", "first"));
        // Offset 1 is next: message 1 (expects 0) fails, messages 2 and 3 (expect 1, 2) succeed.
        Result r = h.run("publish", "occp", "--expected-offset", "0", "--count", "3", "--print", "%o\\n", "v{{n}}");
        assertEquals(ExitCodes.PARTIAL, r.code(), r.toString());
        assertTrue(r.err().contains("message 1: publish failed"), r.err());
        assertTrue(r.err().contains("published 2 messages") && r.err().contains("1 error"), r.err());
        assertEquals("1\n2\n", r.out());
        // Every message failing the same way: one line for the first, a count for the rest.
        Result all = h.run("publish", "occp", "--expected-offset", "100", "--count", "4", "x");
        assertEquals(ExitCodes.FAILURE, all.code(), all.toString());
        assertTrue(all.err().contains("3 more failures like it"), all.err());
        // Bad input ends the run, after the messages before it are acknowledged and printed.
        ok(h.run("stream", "create", "badin"));
        Result bad = h.run(utf8("{\"value\":\"a\"}\nnot json\n{\"value\":\"c\"}\n"), "publish", "badin", "--input", "jsonl",
                "--print", "%o\\n");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertEquals("0\n", bad.out());
        assertTrue(bad.err().contains("stdin line 2"), bad.err());
    }

    @Test
    void verboseShowsHeadersAndSettingsAndVeryVerboseTracesGrpcCalls() {
        ok(h.run("stream", "create", "verb"));
        Result p = ok(h.run("-v", "publish", "verb", "-H", "trace=abc", "hello"));
        assertTrue(p.err().contains("publishing to verb (1 partition): up to 1024 in flight, ack leader"), p.err());
        String pretty = ok(h.run("replay", "verb", "--format", "pretty", "-v")).out();
        assertTrue(pretty.contains("trace: abc"), pretty);
        assertTrue(!ok(h.run("replay", "verb", "--format", "pretty")).out().contains("trace: abc"));
        Result traced = ok(h.run("-vv", "replay", "verb"));
        assertEquals("hello\n", traced.out());
        assertTrue(traced.err().lines().anyMatch(l -> l.matches("lb: grpc FetchMetadata 127\\.0\\.0\\.1:\\d+ OK [0-9.]+ ms")),
                traced.err());
        assertTrue(traced.err().contains("lb: grpc Subscribe 127.0.0.1:"), traced.err());
        Result messages = ok(h.run("-vvv", "publish", "verb", "x"));
        assertTrue(messages.err().contains("lb: grpc PublishAsync > ") && messages.err().contains("stream: \"verb\""),
                messages.err());
    }
}
