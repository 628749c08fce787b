// fails: shutdown
// After the wait, on shutdown it calls pool.remove(task) but throws whatever remove says: when a worker already took the task, execute says "refused" while the task runs.
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
        if (!queued) throw new RejectedExecutionException("no place within " + wait.toMillis() + " ms");
        if (pool.isShutdown()) {
            pool.remove(task);
            throw new RejectedExecutionException("the pool was shut down while the task waited");
        }
    }
}

class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue, Duration wait) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), new WaitPolicy(wait));
    }
}
