package lb.broker.nats;

/**
 * The same suite against Debian's nats-server ({@code apt-get install -y nats-server}), the
 * reference the embedded server must match.
 */
class DebianNatsCompatibilityTest extends NatsCompatibilitySuite {
    @Override
    NatsTarget start(NatsTarget.Auth auth) throws Exception {
        return new NatsTarget.Debian(auth);
    }
}
