package lb.cli.position;

/** A position, stop or range that does not parse; its message lists the accepted forms. */
public final class PositionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public PositionException(String message) {
        super(message);
    }
}
