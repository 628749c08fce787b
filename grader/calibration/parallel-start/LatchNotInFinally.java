// fails: waits-for-all
// Waits on a CountDownLatch that each task counts down after it has run, not in a finally: a task that throws never counts down, and runAll waits for ever.
import java.util.List;
import java.util.concurrent.CountDownLatch;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(tasks.size());
        for (Runnable task : tasks) {
            Thread.ofVirtual().start(() -> {
                task.run();
                finished.countDown(); // skipped when run() throws
            });
        }
        finished.await();
    }
}
