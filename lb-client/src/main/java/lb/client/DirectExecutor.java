package lb.client;

import java.util.concurrent.Executor;

/**
 * Runs each task on the calling thread: gRPC's "direct executor", for call listeners that never
 * block (they only hand results to a queue or a future), so that responses are handled on the
 * transport thread without a thread hop. Stateless.
 */
enum DirectExecutor implements Executor {
    INSTANCE;

    @Override
    public void execute(Runnable task) {
        task.run();
    }
}
