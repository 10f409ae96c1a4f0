package lb.broker.metadata;

/** NATS subject checks for stream subjects (wire-contract §3.2). Stateless. */
public final class Subjects {
    private Subjects() {
    }

    /**
     * True when {@code subject} is a valid stream subject: not empty, no space, tab, CR or LF,
     * and no empty token between dots. Wildcards ({@code *}, {@code >}) are accepted, as upstream.
     */
    public static boolean isValid(String subject) {
        if (subject == null || subject.isEmpty()) {
            return false;
        }
        for (int i = 0; i < subject.length(); i++) {
            char c = subject.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return !(subject.startsWith(".") || subject.endsWith(".") || subject.contains(".."));
    }
}
