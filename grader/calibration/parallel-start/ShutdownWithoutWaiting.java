// fails: waits-for-all
// Runs the tasks on a pool and calls shutdown(), which only stops new tasks: it does not wait for the running ones.
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newCachedThreadPool();
        for (Runnable task : tasks) pool.execute(task);
        pool.shutdown();
    }
}
