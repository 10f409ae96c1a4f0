package lb.broker.server;

/** The conformance suite against a broker running its embedded NATS server. */
class EmbeddedNatsBrokerTest extends BrokerConformanceSuite {
    @Override
    String natsYaml() {
        return TestBroker.embeddedNats();
    }
}
