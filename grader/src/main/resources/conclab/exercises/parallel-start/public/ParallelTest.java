import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Public tests of the parallel-start exercise: the learner may read them. */
class ParallelTest {
    @Test
    @Property("runs-every-task")
    void runsEveryTask() throws InterruptedException {
        var ran = new ConcurrentHashMap<Integer, AtomicInteger>();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            tasks.add(() -> ran.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet());
        }
        Parallel.runAll(tasks);
        for (int i = 0; i < 5; i++) {
            int times = ran.containsKey(i) ? ran.get(i).get() : 0;
            if (times != 1) throw new AssertionError("Task " + i + " of 5 ran " + times + " times, not once, by the time runAll returned.");
        }
    }

    @Test
    @Property("at-the-same-time")
    void atTheSameTime() {
        meet(8);
    }

    /**
     * {@code n} tasks that wait at a barrier for each other: they finish only if all run at once. The
     * barrier gives up 5 s after the start (it breaks, and every later wait fails at once), so that a
     * runAll that runs the tasks one by one still ends, and the failure says how many were running.
     */
    static void meet(int n) {
        CyclicBarrier barrier = new CyclicBarrier(n);
        AtomicInteger arrived = new AtomicInteger(), arrivedWhenItGaveUp = new AtomicInteger(-1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(() -> {
                arrived.incrementAndGet();
                try {
                    barrier.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) { // this task's wait broke the barrier
                    arrivedWhenItGaveUp.compareAndSet(-1, arrived.get());
                } catch (InterruptedException | BrokenBarrierException e) {
                    // the barrier gave up: the tasks did not all run at once
                }
            });
        }
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        while (!run.done() && !barrier.isBroken() && System.nanoTime() < deadline + 1_000_000_000L) Thread.onSpinWait();
        run.returns(Duration.ofSeconds(8)); // rethrows what runAll threw, "not done" included
        if (barrier.isBroken()) {
            throw new AssertionError(n + " tasks wait for each other at a barrier, so they finish only if all run at the"
                    + " same time; after 5 s only " + arrivedWhenItGaveUp.get() + " had started. Start every task first, then wait"
                    + " for them (start() in one loop, join() in another).");
        }
    }

    @Test
    @Property("waits-for-all")
    void waitsForAll() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger(), finished = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(() -> {
                started.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    return;
                }
                finished.incrementAndGet();
            });
        }
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (started.get() < 4 && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        if (run.done()) {
            String message = "runAll returned while " + (4 - finished.get()) + " of its 4 tasks had not finished:"
                    + " wait for every thread (join) before returning.";
            release.countDown();
            run.returns(Duration.ZERO); // rethrows what runAll threw, "not done" included
            throw new AssertionError(message);
        }
        if (started.get() < 4) {
            String message = "Only " + started.get() + " of 4 tasks had started after 5 s: runAll should start them all"
                    + " before waiting for any.";
            release.countDown();
            run.returns(Duration.ofSeconds(8));
            throw new AssertionError(message);
        }
        release.countDown();
        run.returns(Duration.ofSeconds(5));
        if (finished.get() != 4) throw new AssertionError("runAll returned with " + finished.get() + " of 4 tasks finished.");
    }
}
