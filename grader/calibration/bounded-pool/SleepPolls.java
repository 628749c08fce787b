// fails: no-poll
// Tries the queue, sleeps 10 ms, tries again: little CPU, but it wakes up a hundred times a second and sees a free place late.
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
        while (!pool.getQueue().offer(task)) {
            if (System.nanoTime() - deadline >= 0) throw new RejectedExecutionException("no place within " + wait);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for a place", e);
            }
        }
        if (pool.isShutdown() && pool.remove(task)) throw new RejectedExecutionException("the pool was shut down meanwhile");
    }
}
