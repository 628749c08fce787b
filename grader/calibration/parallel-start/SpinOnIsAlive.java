// fails: waits-without-spinning
// Waits for each thread by looping on isAlive() instead of join(): right, but it keeps a core busy while it waits.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        for (Thread t : threads) {
            while (t.isAlive()) Thread.onSpinWait();
        }
    }
}
