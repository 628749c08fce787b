// fails: no-poll
// Tries the queue, parks 500 ms (LockSupport.parkNanos, no Thread.sleep), tries again: it wakes up only twice a second, but nothing wakes it when a place frees, so it sees the place up to half a second late.
import java.time.Duration;
import java.util.concurrent.*;
import java.util.concurrent.locks.LockSupport;

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
        while (!pool.getQueue().offer(task)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new RejectedExecutionException("no place within " + wait);
            LockSupport.parkNanos(Math.min(left, 500_000_000L));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for a place");
            }
        }
        if (pool.isShutdown() && pool.remove(task)) throw new RejectedExecutionException("the pool was shut down meanwhile");
    }
}
