package lb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;

/**
 * lb shell driven through JLine's external (virtual) terminal: keystrokes go in through a pipe,
 * the screen comes out as bytes. Proves completion of a live stream name, history suggestions and
 * option hints alongside it, Ctrl-C out of a tail back to the prompt, history on disk, and exit.
 */
@org.junit.jupiter.api.Timeout(90)
class ShellTest extends BrokerCliTest {


    /** A thread-safe growing screen buffer. */
    static final class Screen extends OutputStream {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int c) {
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] a, int off, int len) {
            b.write(a, off, len);
        }

        synchronized String text() {
            return b.toString(StandardCharsets.UTF_8);
        }

        /**
         * The text without the hint pane's drawing: the pane is drawn between save-cursor (ESC 7)
         * and restore-cursor (ESC 8), which may fall in the middle of a word being echoed; so do
         * the synchronized-output brackets (ESC [?2026h / l) of every redisplay.
         */
        /** The terminal's screen now (160x40), as an emulator renders what was written. */
        String rendered() {
            org.jline.utils.ScreenTerminal vt = new org.jline.utils.ScreenTerminal(160, 40);
            vt.write(text());
            return vt.toString();
        }

        String line() {
            return text().replaceAll("(?s)\u001b7.*?\u001b8", "").replace("\u001b[?2026h", "").replace("\u001b[?2026l", "");
        }
    }

    static void await(String what, Supplier<Boolean> cond, Screen screen) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.get()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + "; screen:\n" + screen.text());
            Thread.sleep(50);
        }
    }

    @Test
    void completesLiveStreamNamesAndCtrlCStopsTail() throws Exception {
        assertEquals(0, h.run("stream", "create", "shellstream-xyz", "-p", "2").code());
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys, 1 << 16);
        Screen screen = new Screen();
        // ExternalTerminal: JLine's line discipline in Java, so Ctrl-C raises INT in this JVM
        // (TerminalBuilder would open a real pty, whose SIGINT goes to another process group).
        Terminal t = new org.jline.terminal.impl.ExternalTerminal("lb-test", "xterm", in, screen, StandardCharsets.UTF_8);
        t.setSize(new org.jline.terminal.Size(160, 40));
        // What a real terminal has: Ctrl-C is VINTR and raises SIGINT while a command runs.
        org.jline.terminal.Attributes attrs = t.getAttributes();
        attrs.setControlChar(org.jline.terminal.Attributes.ControlChar.VINTR, 3);
        attrs.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ISIG, true);
        t.setAttributes(attrs);
        Io io = h.io(new byte[0], new ByteArrayOutputStream(), new ByteArrayOutputStream());
        var cl = Main.newCommandLine(io);
        ShellCommand shell = (ShellCommand) cl.getSubcommands().get("shell").getCommand();
        Path history = dir.resolve("state/lb/history");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> {
            try {
                return shell.runShell(t, history);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the prompt", () -> prompts(screen.text()) > 0, screen);
        // Completion uses the shell's metadata cache; the prompt says when it has answered.
        long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!screen.text().contains("1/1> ")) {
            assertTrue(System.nanoTime() < ready, "the shell never reached the broker:\n" + screen.text());
            type(keys, "\r");
            Thread.sleep(500);
        }
        // Tab completes the live stream name; Enter runs describe.
        type(keys, "stream describe shellstr\t");
        await("completion", () -> screen.line().contains("describe shellstream-xyz"), screen);
        type(keys, "\r");
        await("describe output", () -> screen.text().contains("PARTITION"), screen);
        // History suggestion (the rest of the last matching line, after the cursor) and the hint
        // pane (the matching subcommands) together.
        int markLine = screen.line().length();
        type(keys, "stream desc");
        await("the history suggestion", () -> screen.line().substring(markLine).contains("ribe shellstream-xyz"), screen);
        await("the command hint", () -> screen.rendered().contains("commands: describe"), screen);
        type(keys, "\u0015"); // Ctrl-U: clear the line
        // Partitions of the stream on the line complete too, and the hint names the option.
        type(keys, "tail shellstream-xyz -p \t");
        await("partition candidates", () -> screen.text().contains("0") && screen.text().contains("1"), screen);
        await("the option hint", () -> screen.rendered().contains("-p, --partition P[,P...]: "), screen);
        type(keys, "\u0015"); // Ctrl-U: clear the line
        type(keys, "tail shellstream-xyz -p 1\r");
        Thread.sleep(300);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!screen.text().contains("shell-ping")) {
            assertTrue(System.nanoTime() < deadline, "tail printed nothing:\n" + screen.text());
            assertEquals(0, h.run("publish", "shellstream-xyz", "-p", "1", "shell-ping").code());
            Thread.sleep(200);
        }
        type(keys, "\u0003");
        await("Ctrl-C to stop the tail", () -> screen.text().contains("interrupted after"), screen);
        int prompts = prompts(screen.text());
        type(keys, "version\r");
        await("a prompt after the tail", () -> prompts(screen.text()) > prompts, screen);
        type(keys, "exit\r");
        run.get(30, TimeUnit.SECONDS);
        String hist = Files.readString(history);
        assertTrue(hist.contains("stream describe shellstream-xyz"), hist);
        t.close();
    }

    /** Prompts shown so far: "lb [CONTEXT ]1/1> ", or "down"/"?" before the broker first answers. */
    static int prompts(String screen) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("lb (\\S+ )?(\\d+/\\d+|down|\\?)> ").matcher(screen);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static void type(OutputStream keys, String s) throws Exception {
        keys.write(s.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }
}
