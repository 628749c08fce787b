// fails: waits-for-all
// Starts every thread, then joins each with a time limit (join(2000)): a task that takes longer than 2 s is still running when runAll returns.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        for (Thread t : threads) t.join(2000);
    }
}
