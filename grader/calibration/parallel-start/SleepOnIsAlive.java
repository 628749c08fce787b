// fails: waits-without-spinning
// Waits for each thread with a loop on isAlive() and Thread.sleep(10) instead of join(): little CPU, but the caller wakes 100 times a second and returns up to 10 ms late.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        for (Thread t : threads) {
            while (t.isAlive()) Thread.sleep(10); // looks every 10 ms
        }
    }
}
