// fails: no-poll
// Polls tryAcquire() with Thread.sleep(1) between tries: it burns little CPU, but wakes up a thousand times a second and sees a freed place late.
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
        while (!places.tryAcquire()) Thread.sleep(1); // sleep throws InterruptedException when interrupted
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
