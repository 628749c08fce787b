// fails: callers
// Lets one caller at a time wait for a place, through a Semaphore(1): tryAcquire(wait), a timed offer with the time left, release. A Semaphore has no owner, but the second caller still waits for the first, not for a place.
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
    private final Semaphore turn = new Semaphore(1);

    WaitPolicy(Duration wait) {
        this.wait = wait;
    }

    @Override
    public void rejectedExecution(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) throw new RejectedExecutionException("the pool is shut down");
        long deadline = System.nanoTime() + wait.toNanos();
        boolean queued;
        try {
            if (!turn.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) throw new RejectedExecutionException("no place within " + wait);
            try {
                queued = pool.getQueue().offer(task, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } finally {
                turn.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for a place", e);
        }
        if (!queued) throw new RejectedExecutionException("no place within " + wait);
        if (pool.isShutdown() && pool.remove(task)) throw new RejectedExecutionException("the pool was shut down meanwhile");
    }
}
