// fails: at-the-same-time, waits-for-all, hundreds
// Runs the tasks on a pool of as many threads as the machine has processors (closed by try-with-resources): right for CPU work, but only that many tasks run at once, not every task on a thread of its own.
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors())) {
            for (Runnable task : tasks) pool.execute(task);
        }
    }
}
