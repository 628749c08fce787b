// fails: limits
// synchronized lets one call in at a time, whatever the limit.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

/** Lets at most `limit` calls run at once; the others wait for a place. */
class Throttle {
    private final Semaphore places;

    Throttle(int limit) {
        places = new Semaphore(limit);
    }

    /** Runs task when a place is free, and gives the place back when it ends, however it ends. */
    synchronized <T> T call(Callable<T> task) throws Exception {
        return task.call();
    }
}
