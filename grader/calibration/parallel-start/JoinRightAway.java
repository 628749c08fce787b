// fails: at-the-same-time
// Each thread is joined as soon as it is started: one at a time again.
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        for (Runnable task : tasks) {
            Thread t = Thread.ofPlatform().start(task);
            t.join();
        }
    }
}
