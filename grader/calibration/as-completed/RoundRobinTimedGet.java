// fails: no-poll
// Waits in get(500, MILLISECONDS) on each future in turn, moving on at each TimeoutException: parked, but in one task's future, so a task that ends first is handed on up to half a second late, and the thread wakes twice a second.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<T>> futures = new ArrayList<>();
            try {
                for (Callable<T> task : tasks) futures.add(pool.submit(task));
                List<Future<T>> pending = new ArrayList<>(futures);
                while (!pending.isEmpty()) {
                    for (Iterator<Future<T>> it = pending.iterator(); it.hasNext(); ) {
                        Future<T> f = it.next();
                        T result;
                        try {
                            result = f.get(500, TimeUnit.MILLISECONDS);
                        } catch (TimeoutException e) {
                            continue; // not yet: try the next one
                        }
                        it.remove();
                        each.accept(result);
                    }
                }
            } finally {
                for (Future<T> f : futures) f.cancel(true);
            }
        }
    }
}
