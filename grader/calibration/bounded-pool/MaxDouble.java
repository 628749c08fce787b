// fails: threads, caller-runs
// Maximum twice the core size: a full queue starts more threads instead of slowing the caller.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return new ThreadPoolExecutor(threads, 2 * threads, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
