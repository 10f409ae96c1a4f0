package lb.broker.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Child process of {@link CommitLogKillTest}: appends small batches to the log in {@code args[0]}
 * with {@code sync=always} until killed, printing {@code ack <lastOffset>} after each append
 * returns. Record values are {@code rec-<offset>} so the parent can check placement.
 */
public final class KillChild {

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        LogSettings settings = LogSettings.defaults().withSegmentMaxBytes(8 * 1024)
                .withIndexIntervalBytes(256).withSync(SyncPolicy.ALWAYS);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        Random rnd = new Random();
        try (CommitLog log = CommitLog.open(dir, settings)) {
            out.println("open " + log.logEndOffset());
            out.flush();
            while (true) {
                long next = log.logEndOffset();
                int n = 1 + rnd.nextInt(5);
                List<LogRecord> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    byte[] value = ("rec-" + (next + i)).getBytes(StandardCharsets.UTF_8);
                    batch.add(LogRecord.of(System.nanoTime(), 1, null, value, Map.of(), "s", ""));
                }
                AppendResult r = log.append(batch);
                out.println("ack " + r.lastOffset());
                out.flush();
            }
        }
    }
}
