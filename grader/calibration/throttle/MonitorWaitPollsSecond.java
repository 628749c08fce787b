// fails: no-poll
// Tries tryAcquire(), and waits 1 s in Object.wait on a monitor nobody notifies between tries: it begins to wait only once a second, too seldom for the looks at its stack to count as a poll, but nothing wakes it when a place is freed, so it gets the place up to 1 s late.
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
        while (!places.tryAcquire()) {
            synchronized (places) {
                places.wait(1000); // nobody notifies: the semaphore knows nothing of this monitor
            }
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
