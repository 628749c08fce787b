// fails: returns-result
// Wraps a task's checked exception in an ExecutionException, as an executor's Future does: the caller gets another
// exception than the one the task threw (unchecked ones and Errors go through as they are).
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;

class Throttle {
    private final Semaphore places;
    Throttle(int limit) { places = new Semaphore(limit); }
    <T> T call(Callable<T> task) throws Exception {
        places.acquire();
        try {
            return task.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new ExecutionException(e);
        } finally {
            places.release();
        }
    }
}
