// fails: at-the-same-time
// One task after the other, on the calling thread: no thread at all.
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        for (Runnable task : tasks) task.run();
    }
}
