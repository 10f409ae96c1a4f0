package lb.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every lb command (CLI.md "Exit codes"); listed in each command's help. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A runtime failure not covered by a more specific code. */
    public static final int FAILURE = 1;
    /** Bad flag, bad position or format. */
    public static final int USAGE = 2;
    /** Stream, partition, group or context not found. */
    public static final int NOT_FOUND = 3;
    /** No broker reachable, timeout, no leader. */
    public static final int UNAVAILABLE = 4;
    /** Some partitions, streams or messages failed. */
    public static final int PARTIAL = 5;
    /** A destructive operation needs confirmation and none was given. */
    public static final int REFUSED = 6;
    /** Interrupted by Ctrl-C. */
    public static final int INTERRUPTED = 130;

    /** The table shown under "Exit codes:" in every command's help, in order. */
    static final Map<String, String> HELP = helpTable();

    private static Map<String, String> helpTable() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("  0", "Success.");
        m.put("  1", "Runtime failure.");
        m.put("  2", "Usage error: bad flag, position or format.");
        m.put("  3", "Not found: stream, partition, group or context.");
        m.put("  4", "Unavailable: no broker reachable, timeout, no leader.");
        m.put("  5", "Partial failure: some items failed (details on stderr).");
        m.put("  6", "Refused: confirmation needed (--yes) or declined.");
        m.put("130", "Interrupted (Ctrl-C).");
        return Collections.unmodifiableMap(m);
    }

    private ExitCodes() {
    }
}
