// fails: no-threads-left
// A pool with a thread per task, waited for through its futures but never shut down: its threads stay, idle, for ever.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tasks.size()));
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable task : tasks) futures.add(pool.submit(task));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new RuntimeException(e.getCause());
            }
        }
    }
}
