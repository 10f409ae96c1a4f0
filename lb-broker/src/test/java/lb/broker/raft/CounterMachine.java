package lb.broker.raft;

import java.nio.ByteBuffer;

/**
 * The simulation's state machine: a counter incremented by every command, plus a hash chain over
 * (index, command) so that two servers that applied different prefixes are told apart.
 * {@link #apply} returns the counter after the increment. Snapshot: {@code long value, long chain,
 * long lastIndex}.
 */
final class CounterMachine implements StateMachine {
    long value;
    long chain;
    long lastIndex;
    /** Called after each apply/restore with (index, chain) so the simulation can compare servers. */
    interface Observer { void applied(long index, long chain); }
    private final Observer observer;

    CounterMachine(Observer observer) { this.observer = observer; }

    @Override
    public Object apply(long index, byte[] command) {
        value++;
        long h = chain * 1_000_003L + index;
        for (byte b : command) h = h * 31 + b;
        chain = h;
        lastIndex = index;
        observer.applied(index, chain);
        return value;
    }

    @Override
    public byte[] snapshot() {
        return ByteBuffer.allocate(24).putLong(value).putLong(chain).putLong(lastIndex).array();
    }

    @Override
    public void restore(byte[] snapshot) {
        ByteBuffer b = ByteBuffer.wrap(snapshot);
        value = b.getLong();
        chain = b.getLong();
        lastIndex = b.getLong();
        if (lastIndex > 0) observer.applied(lastIndex, chain);
    }
}
