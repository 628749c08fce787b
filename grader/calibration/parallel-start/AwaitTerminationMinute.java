// fails: waits-for-all
// The ExecutorService javadoc's idiom: shutdown, awaitTermination(1 minute), then shutdownNow: a task that takes
// longer than a minute is interrupted, and still running when runAll returns.
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        ExecutorService pool = Executors.newCachedThreadPool();
        for (Runnable task : tasks) pool.execute(task);
        pool.shutdown();
        if (!pool.awaitTermination(1, TimeUnit.MINUTES)) pool.shutdownNow();
    }
}
