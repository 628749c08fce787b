// fails: waits-for-all
// Each task releases a permit when it ends; the caller takes them all with tryAcquire(n, 1 minute): if the tasks take longer than a minute it gives up and returns while they still run.
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        Semaphore ended = new Semaphore(0);
        for (Runnable task : tasks) {
            Thread.ofPlatform().start(() -> {
                try {
                    task.run();
                } finally {
                    ended.release();
                }
            });
        }
        ended.tryAcquire(tasks.size(), 1, TimeUnit.MINUTES); // gives up after a minute
    }
}
