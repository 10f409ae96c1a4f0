package lb.broker.raft;

import java.io.IOException;

/** The real-transport Raft tests over Debian's nats-server. */
class RaftOverDebianNatsTest extends RaftNatsTest {
    @Override
    TestNats startNats() throws IOException {
        return TestNats.debian();
    }
}
