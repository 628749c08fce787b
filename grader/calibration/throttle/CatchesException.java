// fails: releases-on-exception
// Releases in catch (Exception): a task that throws an Error keeps its place.
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;

class Throttle {
    private final Semaphore places;
    Throttle(int limit) { places = new Semaphore(limit); }
    <T> T call(Callable<T> task) throws Exception {
        places.acquire();
        T result;
        try {
            result = task.call();
        } catch (Exception e) {
            places.release();
            throw e;
        }
        places.release();
        return result;
    }
}
