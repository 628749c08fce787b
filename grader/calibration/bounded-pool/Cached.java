// fails: threads, queue, caller-runs
// newCachedThreadPool: a new thread for every task that finds none idle, without limit.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return (ThreadPoolExecutor) Executors.newCachedThreadPool();
    }
}
