// fails: consumer-fails
// Cancels the other tasks only when a task throws: when the consumer throws, close() waits for tasks that may never end.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            var done = new ExecutorCompletionService<T>(pool);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) {
                T result;
                try {
                    result = done.take().get();
                } catch (ExecutionException e) {
                    for (Future<T> f : futures) f.cancel(true);
                    throw e;
                }
                each.accept(result);
            }
        }
    }
}
