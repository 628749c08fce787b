// fails: threads
// Core size 0: a thread starts only when the queue is full, so the 2nd task waits while a thread could run it.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return new ThreadPoolExecutor(0, threads, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
