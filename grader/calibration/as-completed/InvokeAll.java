// fails: completion-order, cancels-rest
// invokeAll waits for every task before the first result is given (and cannot be cut short by a failure).
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (Future<T> f : pool.invokeAll(tasks)) each.accept(f.get());
        }
    }
}
