import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the bounded-pool exercise: the learner may read them. Each runs the same scenario on
 * BoundedPool.create(2, 2): tasks 1 to 4 wait at a latch, task 5 does not; then the latch opens.
 */
class BoundedPoolTest {
    /** Generous: the machine may be slow and busy. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    /** What the scenario saw; {@code stuck} says where it could not go on (null if it ran to its end). */
    record Run(String stuck, int startedAfterTwo, int queuedAfterFour, int queuedAfterFive, int largest, String task5,
            int ran, String threw) {}

    static Run scenario() throws Exception {
        ThreadPoolExecutor pool = BoundedPool.create(2, 2);
        CountDownLatch open = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger(), ran = new AtomicInteger();
        int startedAfterTwo = -1, queuedAfterFour = -1, queuedAfterFive = -1;
        String stuck = null, task5 = "not run", threw = null;
        try {
            for (int k = 1; k <= 5 && stuck == null; k++) {
                AtomicReference<Thread> caller = new AtomicReference<>(), ranOn = new AtomicReference<>();
                Runnable task = k < 5
                        ? () -> {
                            started.incrementAndGet();
                            try {
                                open.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            ran.incrementAndGet();
                        }
                        : () -> { ranOn.set(Thread.currentThread()); ran.incrementAndGet(); };
                Waiting exec = Waiting.start("caller of task " + k, () -> { caller.set(Thread.currentThread()); pool.execute(task); return null; });
                try {
                    exec.returns(LIMIT);
                } catch (AssertionError e) {
                    if (e.getCause() == null) {
                        stuck = "execute(task " + k + ") did not return within " + LIMIT.toSeconds() + " s: task " + k
                                + " waits for a latch, and it ran on the caller's thread although "
                                + (k <= 2 ? "the pool had a free thread." : "the queue had a free place.");
                        break;
                    }
                    threw = "execute(task " + k + ") threw " + e.getCause();
                    if (k < 5) stuck = threw;
                }
                if (k == 2) {
                    long deadline = System.nanoTime() + LIMIT.toNanos();
                    while (started.get() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
                    startedAfterTwo = started.get();
                }
                if (k == 4) queuedAfterFour = pool.getQueue().size();
                if (k == 5) {
                    queuedAfterFive = pool.getQueue().size();
                    Thread on = ranOn.get();
                    task5 = on == null ? "not run" : on == caller.get() ? "caller" : on.getName();
                }
            }
            return new Run(stuck, startedAfterTwo, queuedAfterFour, queuedAfterFive, pool.getLargestPoolSize(), task5,
                    finish(pool, open, ran), threw);
        } finally {
            open.countDown();
            pool.shutdownNow();
        }
    }

    /** Opens the latch, shuts the pool down and waits for it; returns how many tasks ran. */
    static int finish(ThreadPoolExecutor pool, CountDownLatch open, AtomicInteger ran) throws InterruptedException {
        open.countDown();
        pool.shutdown();
        pool.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS);
        return ran.get();
    }

    @Test
    @Property("threads")
    void threads() throws Exception {
        Run r = scenario();
        if (r.startedAfterTwo() >= 0 && r.startedAfterTwo() < 2) {
            throw new AssertionError("After execute of 2 tasks on a pool of 2 threads, " + r.startedAfterTwo() + " of them had started"
                    + " within " + LIMIT.toSeconds() + " s: the other waited in the queue. Make both threads core threads"
                    + " (corePoolSize = threads), which start as tasks come.");
        }
        if (r.startedAfterTwo() < 0) throw new AssertionError(r.stuck());
        if (r.largest() > 2) {
            throw new AssertionError("A pool of 2 threads started " + r.largest() + " threads (getLargestPoolSize): the maximum"
                    + " pool size must be 2 as well.");
        }
    }

    @Test
    @Property("queue")
    void queue() throws Exception {
        Run r = scenario();
        if (r.queuedAfterFour() < 0) throw new AssertionError(r.stuck());
        if (r.queuedAfterFour() != 2) {
            throw new AssertionError("With 2 threads busy, tasks 3 and 4 should wait in the queue; it held " + r.queuedAfterFour()
                    + " task(s).");
        }
        if (r.queuedAfterFive() > 2) {
            throw new AssertionError("The queue of 2 places held " + r.queuedAfterFive() + " tasks after task 5: it is not bounded"
                    + " (new LinkedBlockingQueue<>() has no limit; new ArrayBlockingQueue<>(queue) has one).");
        }
    }

    @Test
    @Property("caller-runs")
    void callerRuns() throws Exception {
        Run r = scenario();
        if (r.queuedAfterFive() < 0 && r.stuck() != null) throw new AssertionError(r.stuck());
        if (r.threw() != null) {
            throw new AssertionError(r.threw() + ": a full pool should run the task on the caller's thread (CallerRunsPolicy),"
                    + " not refuse it.");
        }
        if (!r.task5().equals("caller")) {
            throw new AssertionError("With 2 threads busy and 2 tasks in the queue, task 5 "
                    + (r.task5().equals("not run") ? "had not run when execute returned" : "ran on " + r.task5())
                    + ": it should run at once on the caller's thread (CallerRunsPolicy).");
        }
        if (r.ran() != 5) {
            throw new AssertionError("Of 5 tasks, " + r.ran() + " ran: the pool lost " + (5 - r.ran()) + " (DiscardPolicy and"
                    + " DiscardOldestPolicy throw tasks away).");
        }
    }
}
