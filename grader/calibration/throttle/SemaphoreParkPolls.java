// fails: no-poll
// Polls tryAcquire() with a 400 ms LockSupport.parkNanos between tries, naming the semaphore as the park's blocker (as LockSupport's javadoc advises): a freed place does not wake it, so it gets the place up to 400 ms late.
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
            LockSupport.parkNanos(places, 400_000_000L);
            if (Thread.interrupted()) throw new InterruptedException();
        }
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
