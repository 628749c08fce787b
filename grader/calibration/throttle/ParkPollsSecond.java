// fails: no-poll
// Tries tryAcquire(), and parks 1 s in LockSupport.parkNanos(places, ...) between tries, naming the semaphore as the blocker (so not a bare park): it begins to wait only once a second, but a freed place does not wake it, so it gets the place up to 1 s late.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

class Throttle {
    private final Semaphore places;

    Throttle(int limit) {
        places = new Semaphore(limit);
    }

    <T> T call(Callable<T> task) throws Exception {
        while (!places.tryAcquire()) {
            LockSupport.parkNanos(places, 1_000_000_000L); // the semaphore never unparks this thread: only the time limit does
            if (Thread.interrupted()) throw new InterruptedException();
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
