// fails: closes-pool, cancels-rest, consumer-fails
// The pool is never shut down: its threads wait for more tasks for ever.
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
    }
}
