// fails: completion-order, cancels-rest
// thenAccept gives the results in completion order, but on the pool's threads, not the caller's.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

/** Python's as_completed, pushed: each result goes to a consumer as soon as its task is done. */
class AsCompleted {
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (Callable<T> task : tasks) {
                all.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return task.call();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, pool).thenAccept(each));
            }
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
            } finally {
                for (var f : all) f.cancel(true);
            }
        }
    }
}
