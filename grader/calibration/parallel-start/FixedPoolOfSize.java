// fails: runs-every-task
// A pool of exactly tasks.size() threads, closed by try-with-resources: for an empty list newFixedThreadPool(0) throws IllegalArgumentException instead of returning.
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        try (ExecutorService pool = Executors.newFixedThreadPool(tasks.size())) { // one thread per task
            for (Runnable task : tasks) pool.execute(task);
        } // close() waits for every task, then ends the threads
    }
}
