// fails: at-the-same-time
// run() instead of start(): the Thread object is made, but its code runs on the caller's thread.
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        for (Runnable task : tasks) new Thread(task).run();
    }
}
