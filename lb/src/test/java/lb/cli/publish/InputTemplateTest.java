package lb.cli.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import lb.cli.format.PublishRecord;
import org.junit.jupiter.api.Test;

class InputTemplateTest {

    static List<PublishRecord> all(String template, String input) throws IOException {
        InputTemplate.Reader r = InputTemplate.parse(template)
                .reader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        List<PublishRecord> out = new ArrayList<>();
        for (PublishRecord p; (p = r.next()) != null; ) {
            out.add(p);
        }
        return out;
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void cutsKeyTabValueLinesAndAcceptsAMissingFinalNewline() throws IOException {
        List<PublishRecord> r = all("%k\\t%v\\n", "a\t1\nb\t2 two\nc\t3");
        assertEquals(3, r.size());
        assertEquals("a", s(r.get(0).key()));
        assertEquals("2 two", s(r.get(1).value()));
        assertEquals("3", s(r.get(2).value()));
    }

    @Test
    void readsPartitionHeadersPrefixesAndMultiByteDelimiters() throws IOException {
        List<PublishRecord> r = all("<%p>%h||%v\\x00", "<2>a=1,b=x y||hello\n world\0<0>||z\0");
        assertEquals(2, r.size());
        assertEquals(2, r.get(0).partition());
        assertEquals("1", s(r.get(0).headers().get("a")));
        assertEquals("x y", s(r.get(0).headers().get("b")));
        assertEquals("hello\n world", s(r.get(0).value()));
        assertTrue(r.get(1).headers().isEmpty());
        assertNull(r.get(1).key());
        assertEquals("%v", s(all("100%%:%v", "100%:%v\n").get(0).value()));
    }

    @Test
    void roundTripsRandomRecordsAgainstAModel() throws IOException {
        Random rnd = new Random(42);
        List<String[]> model = new ArrayList<>();
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            String k = word(rnd, 0, 8);
            String v = word(rnd, 0, 40);
            model.add(new String[] {k, v});
            in.append(k).append(" -> ").append(v).append("\r\n");
        }
        List<PublishRecord> r = all("%k -> %v\\r\\n", in.toString());
        assertEquals(model.size(), r.size());
        for (int i = 0; i < model.size(); i++) {
            assertEquals(model.get(i)[0], s(r.get(i).key()), "record " + i);
            assertEquals(model.get(i)[1], s(r.get(i).value()), "record " + i);
        }
    }

    static String word(Random rnd, int min, int max) {
        int n = min + rnd.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("ab c-é\r>"
                    .charAt(rnd.nextInt(8)));
        }
        // "\r\n" and " -> " are delimiters: a model value must not contain them.
        return sb.toString().replace("\r", "").replace(" ->", "");
    }

    @Test
    void reportsBadTemplatesAndBadInputWithRecordNumbers() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputTemplate.parse("%k%v")).getMessage()
                .contains("literal text between"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputTemplate.parse("%k\\n")).getMessage()
                .contains("no %v"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputTemplate.parse("%q %v")).getMessage()
                .contains("unknown token %q"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> InputTemplate.parse("%v\\xZZ")).getMessage()
                .contains("hex"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> all("%k:%v\\n", "a:1\nnokey"));
        assertTrue(e.getMessage().contains("record 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> all("%p:%v\\n", "x:1\n"));
        assertTrue(e.getMessage().contains("partition 'x'"), e.getMessage());
    }

    @Test
    void keepsBinaryValues() throws IOException {
        byte[] in = {'k', '\t', (byte) 0xff, 0, 1, '\n'};
        PublishRecord r = InputTemplate.parse("%k\\t%v\\n").reader(new ByteArrayInputStream(in)).next();
        assertArrayEquals(new byte[] {(byte) 0xff, 0, 1}, r.value());
        ByteArrayOutputStream unused = new ByteArrayOutputStream();
        assertEquals(0, unused.size());
    }
}
