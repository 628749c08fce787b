// fails: no-poll
// Polls tryAcquire() with Thread.sleep(50) between tries: it is asleep, not parked in the semaphore, and sees a freed place up to 50 ms late.
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
        while (!places.tryAcquire()) Thread.sleep(50); // sleep throws InterruptedException when interrupted
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
