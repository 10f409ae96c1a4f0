/**
 * The broker's configuration: Liftbridge's YAML config file (behavior.md §14, every setting in
 * {@link lb.broker.config.ConfigKeys} with its doc, default and unit), lb's {@code sync}
 * setting, environment and command-line overrides ({@link lb.broker.config.ConfigOverrides}),
 * validation ({@link lb.broker.config.ConfigLoader}, errors naming the setting and the value),
 * derived values ({@link lb.broker.config.BrokerConfig}: addresses, XDG data directory, stream
 * defaults), per-stream effective settings ({@link lb.broker.config.StreamSettings#effective})
 * and the server id file ({@link lb.broker.config.ServerIdentity}).
 *
 * <p>Everything here is immutable or stateless and runs once at start-up on the caller's
 * thread; no threads, no locks.
 *
 * <p><b>Deliberate differences from upstream</b>: default data directory under
 * {@code $XDG_DATA_HOME/lb/<namespace>} (upstream: the OS temp dir); a configured server id
 * that differs from the stored one fails start-up (upstream silently keeps the stored one,
 * §15.31); {@code tls.client.authz.enabled} reads its own key (§15.8);
 * {@code streams.concurrency.control} is applied (§15.9); {@code LIFTBRIDGE_*} environment
 * variables map dots to underscores ({@code LIFTBRIDGE_LOGGING_LEVEL}); durations without a unit
 * (other than 0), negative sizes, a zero {@code cursors.stream.replication.factor}, namespaces or
 * server ids containing spaces, periods or wildcards, and {@code streams.encryption: true} are
 * refused; {@code telemetry.*} is accepted and ignored.
 */
package lb.broker.config;
