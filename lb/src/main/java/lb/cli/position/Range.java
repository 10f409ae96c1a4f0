package lb.cli.position;

/** A start position and a stop: what {@code --offset}, {@code --from}/{@code --to} describe. */
public record Range(Position from, Stop to) {
}
