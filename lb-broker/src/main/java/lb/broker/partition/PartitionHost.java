package lb.broker.partition;

import io.nats.client.Connection;
import java.time.Clock;

/**
 * What a partition needs from the broker around it. Implemented by the server wiring; tests
 * provide a small one over a real NATS connection.
 */
public interface PartitionHost {

    /** This server's id. */
    String serverId();

    /** The NATS connection partitions subscribe on and publish acks with. */
    Connection nats();

    /**
     * The dispatcher partition {@code id} of {@code stream} subscribes with: one of a few shared
     * by all partitions (a dispatcher is a thread), chosen by the partition so that it stays put.
     */
    io.nats.client.Dispatcher dispatcher(String stream, int id);

    /** Largest NATS payload a partition stores ({@code clustering.replication.max.bytes}). */
    int maxMessageBytes();

    /** Most messages the writer appends as one batch ({@code batch.max.messages}). */
    default int batchMaxMessages() {
        return 1024;
    }

    /** The wall clock that stamps messages. */
    Clock clock();

    /**
     * The leader found the partition idle past its auto-pause time: ask the controller to pause
     * it (resumeAll = false). Called on a timer thread; must not block for long.
     */
    void requestAutoPause(String stream, int partition);
}
