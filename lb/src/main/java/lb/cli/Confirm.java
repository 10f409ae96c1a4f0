package lb.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Confirmation of destructive operations: asked only on a terminal, refused (exit 6) otherwise. */
final class Confirm {

    private Confirm() {
    }

    /** {@link ExitCodes#OK} when the user answered yes; {@link ExitCodes#REFUSED} otherwise. */
    static int ask(Io io, PrintWriter err, String question) throws IOException {
        if (!io.inTty || !io.errTty) {
            err.println("lb: refusing to " + question.replaceAll("\\?$", "")
                    + " without confirmation: no terminal to ask; pass --yes");
            return ExitCodes.REFUSED;
        }
        err.print("lb: " + question + " [y/N] ");
        err.flush();
        String line = new BufferedReader(new InputStreamReader(io.in, StandardCharsets.UTF_8)).readLine();
        if (line != null && (line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"))) {
            return ExitCodes.OK;
        }
        err.println("lb: not confirmed");
        return ExitCodes.REFUSED;
    }
}
