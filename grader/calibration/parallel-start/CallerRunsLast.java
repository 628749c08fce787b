// fails: runs-every-task
// Starts a thread for every task but the last, runs the last on the calling thread, then joins the others: when the last task throws, runAll throws at once while the others still run (and one task is not on a thread of its own).
import java.util.ArrayList;
import java.util.List;

class Parallel {
    static void runAll(List<Runnable> tasks) throws InterruptedException {
        if (tasks.isEmpty()) return;
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks.subList(0, tasks.size() - 1)) threads.add(Thread.ofVirtual().start(task));
        tasks.getLast().run();                       // the caller would only wait anyway: let it do the last one
        for (Thread t : threads) t.join();
    }
}
