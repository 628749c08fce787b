// fails: closes-pool, cancels-rest, consumer-fails
// Shuts the pool down after the last result only: when a task or the consumer throws, the pool's threads wait for more work for ever.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var done = new ExecutorCompletionService<T>(pool);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        } finally {
            for (Future<T> f : futures) f.cancel(true);
        }
        pool.close();
    }
}
