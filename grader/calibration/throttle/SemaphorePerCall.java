// fails: limits
// A new Semaphore on every call: each caller has a limit of its own, so all 8 get in at once.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

class Throttle {
    private final int limit;

    Throttle(int limit) {
        this.limit = limit;
    }

    <T> T call(Callable<T> task) throws Exception {
        Semaphore places = new Semaphore(limit);
        places.acquire();
        try {
            return task.call();
        } finally {
            places.release();
        }
    }
}
