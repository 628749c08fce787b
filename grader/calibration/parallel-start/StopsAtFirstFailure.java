// fails: waits-for-all
// A virtual thread per task, waited for through their futures; the first task that throws ends runAll with its exception while the tasks after it still run (and the executor is never closed).
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<?>> futures = new ArrayList<>();
        for (Runnable task : tasks) futures.add(executor.submit(task));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new RuntimeException(e.getCause());
            }
        }
    }
}
