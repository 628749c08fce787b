// fails:
// Correct too: a virtual thread per task from an executor closed by try-with-resources; close() waits for every task (in a timed awaitTermination, not in Thread.join).
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Runnable task : tasks) pool.execute(task);
        }
    }
}
