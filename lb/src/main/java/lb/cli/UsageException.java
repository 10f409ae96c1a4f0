package lb.cli;

/** Bad input found after parsing (a position, a format, a combination of flags): exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
