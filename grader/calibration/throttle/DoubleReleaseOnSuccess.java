// fails: limits
// Releases after the task returns and again in the finally: every call that returns gives back two places, so the limit grows.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/** Lets at most `limit` calls run at once; the others wait for a place. */
class Throttle {
    private final Semaphore places;

    Throttle(int limit) {
        places = new Semaphore(limit);
    }

    /** Runs task when a place is free, and gives the place back when it ends, however it ends. */
    <T> T call(Callable<T> task) throws Exception {
        places.acquire();
        try {
            T result = task.call();
            places.release();
            return result;
        } finally {
            places.release(); // added "for the exceptions", the release above left in
        }
    }
}
