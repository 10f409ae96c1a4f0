package lb.broker.nats;

/**
 * The compatibility suite against the embedded server with two I/O threads, so that deliveries,
 * auto-unsubscribes and closes cross from a publisher's thread to a subscriber's owner thread
 * (the default on small machines is one thread, where they never do).
 */
class EmbeddedTwoThreadNatsCompatibilityTest extends NatsCompatibilitySuite {
    @Override
    NatsTarget start(NatsTarget.Auth auth) throws Exception {
        return new NatsTarget.Embedded(auth, 2);
    }
}
