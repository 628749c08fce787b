// fails: waits-for-all
// Starts every thread, but joins only the last one started: the others may still run when runAll returns.
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        Thread last = null;
        for (Runnable task : tasks) last = Thread.ofPlatform().start(task);
        if (last != null) last.join();
    }
}
