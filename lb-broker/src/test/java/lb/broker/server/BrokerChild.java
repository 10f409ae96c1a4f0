package lb.broker.server;

import java.nio.file.Path;

/**
 * A broker in a child JVM for crash tests: {@code BrokerChild <dataDir> <natsPort>} starts a
 * broker with embedded NATS and {@code sync: always}, prints {@code READY <grpcPort>} and runs
 * until killed.
 */
public final class BrokerChild {

    private BrokerChild() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String nats = "nats.embedded: true\nnats.servers: [\"nats://127.0.0.1:" + args[1] + "\"]\n";
        BrokerServer b = BrokerServer.start(TestBroker.config(data, nats, "sync: always\n"));
        System.out.println("READY " + b.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
