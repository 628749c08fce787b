// fails: no-poll
// Waits in slices of offer(task, 500 ms), looking at isShutdown() between them (to notice a shutdown during the wait): a loop that parks a little and looks again, which the statement forbids.
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
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (pool.isShutdown()) throw new RejectedExecutionException("the pool is shut down");
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new RejectedExecutionException("no place within " + wait.toMillis() + " ms");
            try {
                if (pool.getQueue().offer(task, Math.min(left, 500_000_000L), TimeUnit.NANOSECONDS)) break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for a place", e);
            }
        }
        if (pool.isShutdown() && pool.remove(task)) {
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
