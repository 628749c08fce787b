// fails: closes-pool
// Keeps the pool in a static field, set on each call and closed through it in finally: two calls at once share it, so the first to finish closes (and waits for) the other's pool, and its own pool is never closed.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

class AsCompleted {
    /** The pool of the forEach under way: static, so that close() below finds it. */
    private static ExecutorService pool;

    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        pool = Executors.newFixedThreadPool(threads);
        var done = new ExecutorCompletionService<T>(pool);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        } finally {
            for (Future<T> f : futures) f.cancel(true);
            close();
        }
    }

    private static void close() {
        pool.close();
    }
}
