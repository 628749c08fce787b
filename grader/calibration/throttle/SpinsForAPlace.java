// fails: waits-idle
// Polls tryAcquire() in a loop instead of waiting in acquire(): a waiting call burns a core (it does honour interrupts).
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
            if (Thread.interrupted()) throw new InterruptedException();
            Thread.onSpinWait();
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
