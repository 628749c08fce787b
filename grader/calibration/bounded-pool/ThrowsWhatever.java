// fails: shutdown
// Looks again after the wait and takes the task back, but then throws IllegalStateException, not the RejectedExecutionException execute throws for a task it does not take.
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
        if (pool.isShutdown()) throw new RejectedExecutionException("the pool is shut down");
        boolean queued;
        try {
            queued = pool.getQueue().offer(task, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a place", e);
        }
        if (!queued) throw new RejectedExecutionException("no place within " + wait);
        if (pool.isShutdown() && pool.remove(task)) throw new IllegalStateException("the pool was shut down while the task waited");
    }
}
