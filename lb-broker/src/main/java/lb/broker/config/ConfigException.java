package lb.broker.config;

import java.util.List;

/**
 * The broker configuration is invalid. {@link #problems()} lists every problem found, each
 * naming the setting (or flag) and the bad value, e.g.
 * {@code configuration setting "streams.retention.max.age": "3x" is not a duration (use Go
 * syntax such as 500ms, 15s or 168h)}. The message is the problems, one per line.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    public ConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    public List<String> problems() {
        return problems;
    }
}
