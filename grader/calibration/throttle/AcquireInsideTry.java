// fails: no-extra-place
// acquire() inside the try: an interrupted wait throws, and the finally releases a permit the call never got.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

class Throttle {
    private final Semaphore places;

    Throttle(int limit) {
        places = new Semaphore(limit);
    }

    <T> T call(Callable<T> task) throws Exception {
        try {
            places.acquire();
            return task.call();
        } finally {
            places.release();
        }
    }
}
