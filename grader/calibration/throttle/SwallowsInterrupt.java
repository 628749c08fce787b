// fails: interruptible
// Catches the InterruptedException of acquire() and returns null: the caller never learns it was interrupted.
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
        try {
            places.acquire();
        } catch (InterruptedException e) {
            return null;
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
