// fails: at-the-same-time, waits-for-all, hundreds
// Runs the tasks on a fixed pool of 8 threads (closed by try-with-resources): only 8 tasks run at once, not every task on a thread of its own.
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Runnable task : tasks) pool.execute(task);
        }
    }
}
