// fails: no-poll
// Polls tryAcquire(10, MILLISECONDS) in a loop: parked in the semaphore, but waking up a hundred times a second to try again.
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
        while (!places.tryAcquire(10, TimeUnit.MILLISECONDS)) {
            // tries again
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
