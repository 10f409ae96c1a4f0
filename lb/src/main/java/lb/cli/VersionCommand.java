package lb.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lb version [--format json|yaml]}: the version, commit, build time and runtime. */
@Command(name = "version", description = "Print the version, commit and build time.",
        mixinStandardHelpOptions = true)
final class VersionCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    Output output;

    @Override
    public void run() {
        BuildInfo info = BuildInfo.load();
        PrintWriter out = spec.commandLine().getOut();
        if (output.structured()) {
            output.print(out, Output.object().put("version", info.version()).put("commit", info.commit())
                    .put("built", info.built()).put("java", Runtime.version().toString()));
        } else {
            out.println(info.line());
        }
        out.flush();
    }
}
