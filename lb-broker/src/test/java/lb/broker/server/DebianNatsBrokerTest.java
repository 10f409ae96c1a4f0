package lb.broker.server;

/** The conformance suite against a broker using Debian's nats-server. */
class DebianNatsBrokerTest extends BrokerConformanceSuite {

    private lb.broker.testing.NatsServerProcess nats;

    @Override
    String natsYaml() throws Exception {
        if (nats == null) {
            nats = lb.broker.testing.NatsServerProcess.start();
        }
        return TestBroker.externalNats(nats.url());
    }

    @Override
    void afterBroker() {
        if (nats != null) {
            nats.close();
        }
    }
}
