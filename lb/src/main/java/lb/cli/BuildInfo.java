package lb.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Version and build facts stamped into the jar by the build ({@code build-info.properties}).
 * Immutable; safe to share.
 */
public record BuildInfo(String version, String commit, String built) {

    private static final String RESOURCE = "build-info.properties";

    /** Reads the stamped facts; fields the build did not fill read "unknown". */
    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the lb jar", e);
        }
        return new BuildInfo(value(p, "version"), value(p, "commit"), value(p, "built"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").trim();
        // An unfiltered placeholder means the resource was not processed by Maven (e.g. an IDE run).
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** The one-line form printed by {@code lb --version}. */
    public String line() {
        return "lb " + version + " (commit " + commit + ", built " + built + ", Java "
                + Runtime.version() + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ")";
    }
}
