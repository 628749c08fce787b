// fails: cancels-rest, consumer-fails
// Closes with shutdownNow() in a finally block: it interrupts the tasks still running but does not wait for them, so forEach returns (or throws) with tasks still running and the pool not terminated.
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            var done = new ExecutorCompletionService<T>(pool);
            for (Callable<T> task : tasks) done.submit(task);
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        } finally {
            pool.shutdownNow();
        }
    }
}
