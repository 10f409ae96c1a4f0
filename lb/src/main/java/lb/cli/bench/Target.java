package lb.cli.bench;

import java.time.Duration;

/**
 * A system under test, as {@code lb bench} drives it: an lb broker (publishing over gRPC or NATS
 * envelopes) or a NATS JetStream server, so that both run the very same workloads from the same
 * client process.
 *
 * <p>Threads: created and closed by the command's thread; {@link #publisher} and {@link #reader}
 * may be called from worker threads, each object they return is used by one worker.
 */
interface Target extends AutoCloseable {

    /** "lb" or "jetstream", for reports. */
    String name();

    /** Creates {@code stream} with {@code partitions} partitions (JetStream: one stream each). */
    void createStream(String stream, int partitions) throws Exception;

    void deleteStream(String stream) throws Exception;

    /** The number of partitions of an existing stream; 0 when it does not exist. */
    int partitions(String stream) throws Exception;

    /**
     * A publisher to one partition that keeps at most {@code window} publishes outstanding and
     * reports each ack (or failure) to {@code listener}, from any thread.
     */
    Publisher publisher(String stream, int partition, int window, AckListener listener) throws Exception;

    /**
     * A reader of one partition: from the first stored message up to the newest one that exists
     * now ({@code fromStart}), or of new messages only, until closed.
     */
    Reader reader(String stream, int partition, boolean fromStart, int window) throws Exception;

    /** One bare request/response round trip to the server (no storage involved). */
    void roundTrip(String stream) throws Exception;

    @Override
    void close();

    /** Receives the outcome of each publish; called from transport threads. */
    interface AckListener {
        /** {@code offset} is the stored position (JetStream: sequence), or -1 if not acked. */
        void onAck(long token, long offset);

        void onError(long token, Throwable error);
    }

    /** Publishes to one partition. Used by one thread. */
    interface Publisher extends AutoCloseable {
        /** Waits until one more publish may be outstanding (a no-op for synchronous publishing). */
        void acquire() throws InterruptedException;

        /**
         * Sends {@code value} after {@link #acquire()}; {@code token} comes back in the listener.
         * A synchronous publisher returns only after the listener was called. The publisher may
         * send {@code value} without copying it: the caller must not change the array until its
         * outcome was reported.
         */
        void send(byte[] value, long token) throws Exception;

        /** Waits up to {@code timeout} for outstanding publishes; returns how many remain. */
        int awaitOutstanding(Duration timeout) throws InterruptedException;

        @Override
        void close();
    }

    /**
     * One received message; {@code offset} is the partition offset (JetStream: sequence) and
     * {@code value} a read-only view of its value, not a copy.
     */
    record Delivery(long offset, java.nio.ByteBuffer value) {
    }

    /** Reads one partition. Used by one thread. */
    interface Reader extends AutoCloseable {
        /** The next message, or null when none came within {@code timeout} or the read ended. */
        Delivery poll(Duration timeout) throws Exception;

        /** True once a {@code fromStart} read has delivered the newest message or the server ended it. */
        boolean ended();

        @Override
        void close();
    }
}
