// fails: returns-result
// A fixed pool of `limit` threads instead of the semaphore: the task runs on a pool thread (not the caller's), the pool's threads are never shut down, and an interrupted call's task stays queued and runs later.
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Lets at most `limit` calls run at once; the others wait for a place. */
class Throttle {
    private final ExecutorService pool;

    Throttle(int limit) {
        pool = Executors.newFixedThreadPool(limit);
    }

    /** Runs task when a place is free, and gives the place back when it ends, however it ends. */
    <T> T call(Callable<T> task) throws Exception {
        try {
            return pool.submit(task).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) throw x;
            throw (Error) cause;
        }
    }
}
