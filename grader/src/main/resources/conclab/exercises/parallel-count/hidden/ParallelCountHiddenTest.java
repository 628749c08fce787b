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

    @Test
    @Property("reports-failure")
    void reportsFailure() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("the test of 999 failed");
        Throwable[] thrown = new Throwable[1];
        long[] returned = {-1};
        Liveness.finish("count(1000, 4, a test that throws at 999)", Duration.ofSeconds(15), Liveness.task("caller", () -> {
            try {
                returned[0] = ParallelCount.count(1000, 4, i -> {
                    if (i == 999) throw failure;
                    return true;
                });
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }));
        // Liveness.finish saw the caller end: what it wrote is visible here
        if (thrown[0] != null && conclab.grader.probe.Evidence.notDone(thrown[0])) {
            throw new UnsupportedOperationException(conclab.grader.probe.Evidence.NOT_DONE, thrown[0]);
        }
        if (thrown[0] == null) {
            throw new AssertionError("The test threw IllegalStateException on the number 999 of 1000, and count returned "
                    + returned[0] + ": a count of the numbers that did not fail is no answer. Let the failure out: "
                    + "Future.get() throws ExecutionException, whose cause is the test's exception; do not catch it and count 0.");
        }
        for (Throwable t = thrown[0]; t != null; t = t.getCause()) if (t == failure) return;
        throw new AssertionError("The test threw IllegalStateException on the number 999 of 1000, and count threw " + thrown[0]
                + ", which does not carry it (not as itself, nor as a cause): the caller cannot tell what failed. Let"
                + " Future.get()'s ExecutionException through, or throw its cause.", thrown[0]);
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
