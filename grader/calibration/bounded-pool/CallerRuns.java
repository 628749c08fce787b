// fails: waits, timeout
// CallerRunsPolicy's way: the caller runs the task itself, on the wrong thread, instead of waiting for a place.
import java.time.Duration;
import java.util.concurrent.*;

/** A pool of threads threads and a queue of queue places, whose full queue makes execute wait up to wait. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue, Duration wait) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), new WaitPolicy(wait));
    }
}

/** Makes the caller of execute wait, up to a bound, for a place in the queue. */
class WaitPolicy implements RejectedExecutionHandler {
    private final Duration wait;

    WaitPolicy(Duration wait) {
        this.wait = wait;
    }

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
        if (!pool.isShutdown()) task.run();
    }
}
