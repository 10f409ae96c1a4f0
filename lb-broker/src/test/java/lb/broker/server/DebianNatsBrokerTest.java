package lb.broker.server;

/** The conformance suite against a broker using Debian's nats-server. */
class DebianNatsBrokerTest extends BrokerConformanceSuite {

    private TestBroker.NatsProcess nats;

    @Override
    String natsYaml() throws Exception {
        if (nats == null) {
            nats = new TestBroker.NatsProcess();
        }
        return TestBroker.externalNats(nats.url());
    }

    @Override
    void afterBroker() throws InterruptedException {
        if (nats != null) {
            nats.close();
        }
    }
}
