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
            // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
            if (!t.join(Duration.ofSeconds(5))) {
                throw new AssertionError("Thread " + t + " counted numbers, and is still alive 5 s after count returned: the"
                        + " pool was not shut down. Its threads wait for more tasks for ever; close the pool (try-with-resources,"
                        + " or shutdown()) before count returns.");
            }
        }
        whenTheTestThrows();
    }

    /** The test throws on the number 999 of 1000: count may throw, but its pool must end all the same. */
    static void whenTheTestThrows() throws InterruptedException {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        Thread[] caller = new Thread[1];
        Liveness.finish("count(1000, 4, a test that throws at 999)", Duration.ofSeconds(15), Liveness.task("caller", () -> {
            caller[0] = Thread.currentThread();
            try {
                ParallelCount.count(1000, 4, i -> {
                    workers.add(Thread.currentThread());
                    if (i == 999) throw new IllegalStateException("the test of 999 failed");
                    return true;
                });
            } catch (Throwable e) {
                // count may well throw: there is no count
            }
        }));
        for (Thread t : workers) {
            if (t == caller[0]) continue;
            // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
            if (!t.join(Duration.ofSeconds(5))) {
                throw new AssertionError("The test threw on the number 999, and thread " + t + ", which counted numbers, is still"
                        + " alive 5 s after count ended: the pool was not shut down on that path. Close it in any case"
                        + " (try-with-resources, or shutdown() in a finally).");
            }
        }
    }
}
