// fails: interruptible
// acquireUninterruptibly(): a waiting call cannot be cancelled.
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
        places.acquireUninterruptibly();
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
