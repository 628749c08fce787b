// fails:
// A correct variant: waits in tryAcquire(1, SECONDS) in a loop, parked in the semaphore and woken when a place is freed, trying again once a second.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Lets at most `limit` calls run at once; the others wait for a place. */
class Throttle {
    private final Semaphore places;

    Throttle(int limit) {
        places = new Semaphore(limit);
    }

    /** Runs task when a place is free, and gives the place back when it ends, however it ends. */
    <T> T call(Callable<T> task) throws Exception {
        while (!places.tryAcquire(1, TimeUnit.SECONDS)) {
            // no place within a second: waits again
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
