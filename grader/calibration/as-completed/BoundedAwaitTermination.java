// fails: cancels-rest, consumer-fails
// Cancels the tasks left and waits for the pool with a short bound (shutdown, then awaitTermination(1 s)): a task that takes longer to stop after its interrupt still runs when forEach throws, and the pool has not terminated.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<T>> futures = new ArrayList<>();
        try {
            var done = new ExecutorCompletionService<T>(pool);
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        } finally {
            for (Future<T> f : futures) f.cancel(true);
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.SECONDS); // a bound: gives up on a task that is slow to stop
        }
    }
}
