package lb.broker.nats;

import java.io.IOException;

/** A NATS server under test: the embedded one or Debian's nats-server in a child process. */
abstract class NatsTarget implements AutoCloseable {
    enum Auth { NONE, USER, TOKEN }

    static final String USER = "lbuser";
    static final String PASSWORD = "s3cret";
    static final String TOKEN = "t0ken";
    static final String NATS_SERVER = "/usr/sbin/nats-server";

    abstract String url();

    abstract int port();

    /** Stops the server, keeping its port for {@link #restart()}. */
    abstract void stop() throws Exception;

    abstract void restart() throws Exception;

    @Override
    public abstract void close();

    abstract String name();

    /** Connections open on the server, if it can tell; -1 when it cannot. */
    int connectionCount() {
        return -1;
    }

    static final class Embedded extends NatsTarget {
        private final NatsServerOptions options;
        private EmbeddedNatsServer server;
        private int port;

        Embedded(Auth auth) throws IOException {
            this(withAuth(NatsServerOptions.builder().port(0), auth).build());
        }

        Embedded(Auth auth, int ioThreads) throws IOException {
            this(withAuth(NatsServerOptions.builder().port(0).ioThreads(ioThreads), auth).build());
        }

        Embedded(NatsServerOptions options) throws IOException {
            this.server = EmbeddedNatsServer.start(options);
            this.port = server.port();
            this.options = options.toBuilder().port(port).build();
        }

        static NatsServerOptions.Builder withAuth(NatsServerOptions.Builder b, Auth auth) {
            return switch (auth) {
                case NONE -> b;
                case USER -> b.userPassword(USER, PASSWORD);
                case TOKEN -> b.token(TOKEN);
            };
        }

        EmbeddedNatsServer server() {
            return server;
        }

        @Override String url() { return server.clientUrl(); }
        @Override int port() { return port; }
        @Override String name() { return "embedded"; }
        @Override int connectionCount() { return server.connectionCount(); }

        @Override
        void stop() {
            server.close();
        }

        @Override
        void restart() throws IOException {
            server = EmbeddedNatsServer.start(options);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static final class Debian extends NatsTarget {
        private final lb.broker.testing.NatsServerProcess server;

        Debian(Auth auth) throws Exception {
            server = lb.broker.testing.NatsServerProcess.start(switch (auth) {
                case USER -> new String[] {"--user", USER, "--pass", PASSWORD};
                case TOKEN -> new String[] {"--auth", TOKEN};
                case NONE -> new String[0];
            });
        }

        @Override String url() { return server.url(); }
        @Override int port() { return server.port(); }
        @Override String name() { return "nats-server"; }

        long pid() {
            return server.pid();
        }

        @Override
        void stop() throws InterruptedException {
            server.stop();
        }

        @Override
        void restart() throws Exception {
            server.restart();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
