// fails: cancels-rest
// After a failure, close() waits for the tasks still running: nothing tells them to stop.
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
            for (Callable<T> task : tasks) done.submit(task);
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        }
    }
}
