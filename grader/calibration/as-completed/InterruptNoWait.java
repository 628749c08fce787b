// fails: interruptible
// When interrupted in take(), interrupts the tasks with shutdownNow() and throws at once, without waiting for the pool
// to terminate ("asked to stop: don't block any longer"); other failures cancel and close() as they should.
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
    static <T> void forEach(List<Callable<T>> tasks, int threads, Consumer<? super T> each)
            throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        var done = new ExecutorCompletionService<T>(pool);
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) futures.add(done.submit(task));
            for (int i = 0; i < tasks.size(); i++) each.accept(done.take().get());
        } catch (InterruptedException e) {
            pool.shutdownNow();                             // interrupts the tasks; we were asked to stop, so no more waiting
            throw e;
        } catch (ExecutionException | RuntimeException | Error e) {
            for (Future<T> f : futures) f.cancel(true);
            pool.close();
            throw e;
        }
        pool.close();
    }
}
