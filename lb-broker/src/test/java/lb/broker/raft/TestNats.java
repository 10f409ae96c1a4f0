package lb.broker.raft;

import java.io.IOException;

/**
 * A NATS server for the real-transport tests: the embedded one, or Debian's
 * {@code /usr/sbin/nats-server} on a free loopback port.
 */
interface TestNats extends AutoCloseable {
    String url();

    @Override
    void close();

    static TestNats start() throws IOException {
        return debian();
    }

    /** Debian's nats-server on a free loopback port. */
    static TestNats debian() throws IOException {
        lb.broker.testing.NatsServerProcess server;
        try {
            server = lb.broker.testing.NatsServerProcess.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting nats-server", e);
        }
        return new TestNats() {
            @Override
            public String url() {
                return server.url();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    /** The broker's embedded NATS server on a free loopback port. */
    static TestNats embedded() throws IOException {
        lb.broker.nats.EmbeddedNatsServer server = lb.broker.nats.EmbeddedNatsServer.start(
                lb.broker.nats.NatsServerOptions.builder().port(0).build());
        return new TestNats() {
            @Override
            public String url() {
                return server.clientUrl();
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
