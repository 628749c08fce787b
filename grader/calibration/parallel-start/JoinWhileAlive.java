// fails: waits-for-all
// A correct wait, but not the one the statement asks for: joins each thread with join(1000) in a loop while it is alive, a timed join the check does not accept.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        for (Thread t : threads) while (t.isAlive()) t.join(1000);
    }
}
