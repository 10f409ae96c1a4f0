package lb.broker.nats;

/** The compatibility suite against the embedded server. */
class EmbeddedNatsCompatibilityTest extends NatsCompatibilitySuite {
    @Override
    NatsTarget start(NatsTarget.Auth auth) throws Exception {
        return new NatsTarget.Embedded(auth);
    }
}
