// fails:
// A correct variant: closes the pool by hand, cancelling the tasks left, then shutdown() and awaitTermination(1, SECONDS) in a loop until the pool has terminated: no time limit in all, parked in each wait, and a look once a second.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
            boolean interrupted = false;
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.SECONDS)) break;
                } catch (InterruptedException e) {
                    interrupted = true; // waits on: a task must not outlive forEach
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
