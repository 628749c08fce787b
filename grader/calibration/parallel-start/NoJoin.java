// fails: waits-for-all
// Starts every thread and returns at once: the caller cannot know when the work is done.
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        for (Runnable task : tasks) Thread.ofPlatform().start(task);
    }
}
