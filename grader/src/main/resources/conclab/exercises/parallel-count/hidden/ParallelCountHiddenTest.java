import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Hidden tests of the parallel-count exercise: run when grading only. */
class ParallelCountHiddenTest {
    @Test
    @Property("shuts-down")
    void shutsDown() throws InterruptedException {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        Thread[] caller = new Thread[1];
        Liveness.finish("count(999, 3, ...)", Duration.ofSeconds(15), Liveness.task("caller", () -> {
            caller[0] = Thread.currentThread();
            ParallelCount.count(999, 3, i -> workers.add(Thread.currentThread()) || true); // the count is for the other tests
        }));
        for (Thread t : workers) {
            if (t == caller[0]) continue;
            t.join(Duration.ofSeconds(5));
            if (t.isAlive()) {
                throw new AssertionError("Thread " + t + " counted numbers, and is still alive 5 s after count returned: the"
                        + " pool was not shut down. Its threads wait for more tasks for ever; close the pool (try-with-resources,"
                        + " or shutdown()) before count returns.");
            }
        }
    }
}
