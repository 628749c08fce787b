// fails: queue, caller-runs
// newFixedThreadPool: its LinkedBlockingQueue is unbounded, so nothing is ever refused or run by the caller.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return (ThreadPoolExecutor) Executors.newFixedThreadPool(threads);
    }
}
