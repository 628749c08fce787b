// fails: interrupt
// An interrupt during the wait is caught and the wait begins again: the caller cannot be stopped.
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
        long deadline = System.nanoTime() + wait.toNanos();
        boolean queued = false, interrupted = false;
        while (!queued && System.nanoTime() - deadline < 0) {
            try {
                queued = pool.getQueue().offer(task, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;                          // remembered, set again at the end
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (!queued) throw new RejectedExecutionException("no place within " + wait);
        if (pool.isShutdown() && pool.remove(task)) throw new RejectedExecutionException("the pool was shut down meanwhile");
    }
}
