// fails: caller-runs
// DiscardPolicy: a full pool silently drops the task.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), new ThreadPoolExecutor.DiscardPolicy());
    }
}
