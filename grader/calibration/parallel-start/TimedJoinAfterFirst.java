// fails: waits-for-all
// Joins the first thread without a time limit, then every other one with join(2000): a task still running after 2 s is no longer waited for.
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) threads.add(Thread.ofPlatform().start(task));
        if (threads.isEmpty()) return;
        threads.get(0).join();
        for (Thread t : threads.subList(1, threads.size())) t.join(2000);
    }
}
