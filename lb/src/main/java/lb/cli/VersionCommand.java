package lb.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lb version [--json]}: the version, commit, build time and runtime. */
@Command(name = "version", description = "Print the version, commit and build time.",
        mixinStandardHelpOptions = true)
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print as a JSON object.")
    boolean json;

    @Override
    public void run() {
        BuildInfo info = BuildInfo.load();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.printf("{\"version\":\"%s\",\"commit\":\"%s\",\"built\":\"%s\",\"java\":\"%s\"}%n",
                    info.version(), info.commit(), info.built(), Runtime.version());
        } else {
            out.println(info.line());
        }
        out.flush();
    }
}
