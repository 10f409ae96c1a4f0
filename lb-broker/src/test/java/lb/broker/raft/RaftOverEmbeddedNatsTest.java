package lb.broker.raft;

import java.io.IOException;

/** The real-transport Raft tests over the broker's embedded NATS server. */
class RaftOverEmbeddedNatsTest extends RaftNatsTest {
    @Override
    TestNats startNats() throws IOException {
        return TestNats.embedded();
    }
}
