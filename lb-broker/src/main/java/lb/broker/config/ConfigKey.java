package lb.broker.config;

import java.util.List;

/**
 * One configuration setting: its dotted name in the YAML file, its type, default, unit and
 * documentation. Values are converted and range-checked by {@link ConfigLoader}; a key's value
 * in a {@link BrokerConfig} always has the Java type of its {@link Kind}.
 *
 * @param name         the flattened name, e.g. {@code clustering.replica.max.lag.time}
 * @param kind         how values are written and converted
 * @param defaultValue the value when the setting is absent (null = unset)
 * @param min          smallest allowed value for INT, LONG (inclusive)
 * @param choices      allowed values for ENUM
 * @param unit         the unit of the value, for documentation ("" when none)
 * @param doc          what the setting does
 */
public record ConfigKey<T>(String name, Kind kind, T defaultValue, long min, List<String> choices, String unit,
                           String doc) {

    /** Value types. */
    public enum Kind {
        /** java.lang.String. */
        STRING,
        /** java.lang.Boolean: true/false. */
        BOOL,
        /** java.lang.Integer, at least {@code min}. */
        INT,
        /** java.lang.Long, at least {@code min} (sizes in bytes, counts). */
        LONG,
        /** java.time.Duration in Go syntax ({@code 500ms}, {@code 15s}, {@code 168h}); at least {@code min} ns. */
        DURATION,
        /** java.util.List of String: a YAML list or a comma-separated string. */
        LIST,
        /** java.lang.String, one of {@code choices}. */
        ENUM,
        /** lb.broker.log.SyncPolicy. */
        SYNC
    }
}
