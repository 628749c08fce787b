// fails: interruptible
// Cancels its tasks when interrupted in take() and throws, but on that path never shuts the pool down: its threads
// stay alive for good. The normal and the failure paths close it.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    /**
     * Runs the tasks on a pool of {@code threads} threads and gives each result to {@code each}, on the
     * calling thread, as soon as its task is done: in the order the tasks finish. Returns when every result
     * has been given and the pool is closed. When a task throws, throws its ExecutionException at once; when
     * {@code each} throws, throws that. Either way cancels (interrupts) the tasks not done yet and closes the pool first.
     */
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var done = new ExecutorCompletionService<T>(pool);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) {
                Future<T> next;
                try {
                    next = done.take();
                } catch (InterruptedException e) {
                    for (Future<T> f : futures) f.cancel(true);
                    throw e;                                      // the pool is left open
                }
                each.accept(next.get());
            }
        } catch (ExecutionException | RuntimeException e) {
            for (Future<T> f : futures) f.cancel(true);
            pool.close();
            throw e;
        }
        pool.close();
    }
}
