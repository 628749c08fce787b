// fails: queue, caller-runs
// A SynchronousQueue has no places: with both threads busy, task 3 already runs on the caller.
import java.util.concurrent.*;

/** A pool that never grows past its threads or its queue, and never loses a task. */
class BoundedPool {
    static ThreadPoolExecutor create(int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new SynchronousQueue<>(), new ThreadPoolExecutor.CallerRunsPolicy());
    }
}
