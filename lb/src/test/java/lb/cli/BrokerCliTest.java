package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import lb.cli.CliHarness.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the CLI tests that run commands against one in-JVM broker per test class
 * ({@link CliHarness}): started before the class's tests, stopped after them. The fields are
 * static and shared by the subclasses, which is safe because test classes run one at a time
 * (no parallel execution is configured); a subclass that needs more set-up adds its own
 * {@code @BeforeAll} method under another name (it runs after {@link #startBroker}).
 */
abstract class BrokerCliTest {

    @TempDir
    static Path dir;
    static CliHarness h;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void startBroker() throws Exception {
        h = new CliHarness(dir);
    }

    @AfterAll
    static void stopBroker() {
        h.close();
    }

    /** {@code r}, after checking it exited 0 (its output in the failure message otherwise). */
    static Result ok(Result r) {
        assertEquals(0, r.code(), r.toString());
        return r;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
