// fails: waits-for-all
// What join(1000) does inside, written out: wait(1000) on each Thread object in a loop while it is alive. It waits long enough, but it is a wait with a time limit, which the statement does not accept.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        for (Thread t : threads) {
            synchronized (t) {
                while (t.isAlive()) t.wait(1000); // a platform thread's end wakes it; else it looks again every second
            }
        }
    }
}
