// fails: cancels-rest, consumer-fails
// Cancels the tasks left, calls shutdown(), then waits for the pool's end in a loop of awaitTermination(10, MILLISECONDS): no time limit in all, but about a hundred wake-ups a second for as long as a task takes to stop.
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.*;
import java.util.function.Consumer;

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
            pool.shutdown();
            while (!pool.awaitTermination(10, TimeUnit.MILLISECONDS)) {
                // not yet: look again
            }
        }
    }
}
