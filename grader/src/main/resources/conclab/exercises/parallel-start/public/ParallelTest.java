import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            tasks.add(() -> {
                ranOn.add(Thread.currentThread());
                ran.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
            });
        }
        Parallel.runAll(tasks);
        for (int i = 0; i < 5; i++) {
            int times = ran.containsKey(i) ? ran.get(i).get() : 0;
            if (times != 1) throw new AssertionError("Task " + i + " of 5 ran " + times + " times, not once, by the time runAll returned.");
        }
        if (ranOn.contains(Thread.currentThread())) {
            throw new AssertionError("A task ran on the thread that called runAll: each task runs on a thread of its own"
                    + " (the caller would be busy with it while the other tasks need waiting for, and a task of its that"
                    + " throws would end runAll while the others still run).");
        }
        // no tasks at all: nothing to run, nothing to wait for
        Waiting none = Waiting.start("runAll(List.of())", () -> { Parallel.runAll(List.of()); return null; });
        none.returns(Duration.ofSeconds(5));
    }

    @Test
    @Property("at-the-same-time")
    void atTheSameTime() {
        meet(TASKS); // more than the test JVM's processors (below 128): a pool sized by them fails
    }

    /**
     * How many tasks the tests run at once: 64, or more than twice the test JVM's processors on a machine of 32 or
     * more (at most 128, within the check's thread limit), so that a pool of one thread per processor cannot run
     * them all at once on a machine of fewer than 128.
     */
    static final int TASKS = Math.min(128, Math.max(64, 2 * Runtime.getRuntime().availableProcessors() + 1));

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
        int n = TASKS; // more than the test JVM's processors (below 128): a pool sized by them does not start them all
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger(), finished = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
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
        while (started.get() < n && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        if (run.done()) {
            String message = "runAll returned while " + (n - finished.get()) + " of its " + n + " tasks had not finished:"
                    + " wait for every thread (join) before returning.";
            release.countDown();
            run.returns(Duration.ZERO); // rethrows what runAll threw, "not done" included
            throw new AssertionError(message);
        }
        if (started.get() < n) {
            String message = "Only " + started.get() + " of " + n + " tasks had started after 5 s: runAll should start them all"
                    + " before waiting for any, each on a thread of its own (a pool of a few threads runs only a few at once).";
            release.countDown();
            run.returns(Duration.ofSeconds(8));
            throw new AssertionError(message);
        }
        // The n tasks are held for as long as the test likes: runAll should wait for them with no time limit.
        String timed = run.waitsWithTimeLimit(Duration.ofSeconds(2));
        if (run.done()) {
            String message = "runAll returned while its " + n + " tasks were held, none of them finished: wait for every thread"
                    + " (join, with no time limit) before returning.";
            release.countDown();
            run.returns(Duration.ZERO); // rethrows what runAll threw
            throw new AssertionError(message);
        }
        if (timed != null) {
            release.countDown();
            run.returns(Duration.ofSeconds(20)); // rethrows what runAll threw
            throw new AssertionError("While its " + n + " tasks were held, so a task was still running, runAll waited with a"
                    + " time limit (" + timed + "), which gives up when the time is up though a task still runs. Wait with"
                    + " join() without a limit, or close the executor (try-with-resources); a timed join (join(2000),"
                    + " join(Duration)), awaitTermination or any other wait with a time limit (wait(1000), a timed"
                    + " tryAcquire, ...), even in a loop, is not accepted.");
        }
        release.countDown();
        run.returns(Duration.ofSeconds(5));
        if (finished.get() != n) throw new AssertionError("runAll returned with " + finished.get() + " of " + n + " tasks finished.");
        heldBack(0); // the first task started is the last to finish: a runAll that joins only the last thread returns
        heldBack(4); // the last task started is the last to finish: one that joins only the first returns
        oneThrows();
    }

    /**
     * 5 tasks, the third of which throws while the fifth is still held: a task that throws has finished too, so
     * runAll must end (return, or throw what the task threw) once the other 4 have finished, within 5 s; and not
     * before the fifth has. Once the throw has happened and the others but the fifth have finished, runAll is given
     * 1 s to end (it should not): one that stops at the first task that fails, leaving the fifth running, ends well
     * within it. One that counts tasks down only when they return (a latch counted down after task.run(), not in
     * a finally) waits for ever.
     */
    static void oneThrows() throws InterruptedException {
        int n = 5;
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch thrown = new CountDownLatch(1), fifth = new CountDownLatch(1);
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(() -> {
                if (index == 2) {
                    thrown.countDown();
                    throw new IllegalStateException("task 3 of 5 fails on purpose (the check's test)");
                }
                if (index == 4) {
                    try {
                        fifth.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                finished.incrementAndGet();
            });
        }
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while ((thrown.getCount() > 0 || finished.get() < n - 2) && !run.done() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        run.thread().join(Duration.ofSeconds(1));
        boolean early = run.done();
        int done = finished.get();
        fifth.countDown();
        if (early) {
            throw new AssertionError("Of 5 tasks, the third threw an exception while the fifth was still running; runAll"
                    + " ended then, with " + done + " of the other 4 finished: wait for every task, also when one fails"
                    + " (let the others finish before you return or throw).");
        }
        if (!run.thread().join(Duration.ofSeconds(5))) {
            throw new AssertionError("Of 5 tasks, the third threw an exception and the other 4 finished (" + finished.get()
                    + " of them had), but runAll had not returned 5 s later: a task that throws has finished too. Count a"
                    + " task as finished however it ends (in a finally), or wait for its thread with join().");
        }
        if (finished.get() != n - 1) {
            throw new AssertionError("Of 5 tasks, the third threw an exception; runAll ended with " + finished.get() + " of"
                    + " the other 4 finished: wait for every task, also when one fails.");
        }
    }

    /**
     * 5 tasks; every one but task {@code held} finishes at once, task {@code held} only when the test lets it.
     * Once the other 4 have finished, runAll is given 1 s to return (it should not): a runAll that waits for
     * some of the threads only returns well within it.
     */
    static void heldBack(int held) {
        int n = 5;
        CountDownLatch others = new CountDownLatch(1), last = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger(), finished = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CountDownLatch gate = i == held ? last : others;
            tasks.add(() -> {
                started.incrementAndGet();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                finished.incrementAndGet();
            });
        }
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (started.get() < n && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        others.countDown();
        while (finished.get() < n - 1 && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        // Now runAll waits for the held task alone: with no time limit (a runAll whose first wait was untimed, and
        // whose later ones are timed, shows it only here).
        // Looked at again and again for the whole second: on a busy machine runAll may still be parked in its untimed
        // wait for a task that has finished (not yet scheduled to run on), which one look takes for its last wait.
        String timed = null;
        for (long end = System.nanoTime() + 1_000_000_000L; timed == null && !run.done() && System.nanoTime() < end; ) {
            timed = run.waitsWithTimeLimit(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
        }
        try {
            run.thread().join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean early = run.done();
        int done = finished.get();
        last.countDown();
        run.returns(Duration.ofSeconds(5));
        if (timed != null && !early) {
            throw new AssertionError("While task " + (held + 1) + " of " + n + " was held, the others finished, runAll waited"
                    + " for it with a time limit (" + timed + "), which gives up when the time is up though the task still"
                    + " runs. Wait with join() without a limit, or close the executor (try-with-resources); a timed wait"
                    + " is not accepted, not even after an untimed one.");
        }
        if (early) {
            throw new AssertionError("runAll returned while task " + (held + 1) + " of " + n + " (the " + (held == 0 ? "first" : "last")
                    + " started) was still running, " + done + " of them finished: wait for every thread (join each one"
                    + " of them), not only the " + (held == 0 ? "last" : "first") + ".");
        }
        if (finished.get() != n) throw new AssertionError("runAll returned with " + finished.get() + " of " + n + " tasks finished.");
    }

    @Test
    @Property("no-threads-left")
    void noThreadsLeft() throws InterruptedException {
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) tasks.add(() -> ranOn.add(Thread.currentThread()));
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        run.returns(Duration.ofSeconds(8));
        for (Thread t : ranOn) {
            if (t == run.thread()) continue;
            // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
            if (!t.join(Duration.ofSeconds(5))) {
                throw new AssertionError("Thread " + t + " ran a task, and is still alive 5 s after runAll returned. A pool's"
                        + " threads wait for more tasks for ever: close the pool (try-with-resources) before returning,"
                        + " or start a thread per task.");
            }
        }
    }

    /**
     * 4 tasks wait for a latch. While they wait, this test judges how runAll's thread waits
     * ({@link Waiting#pollsOrSpins}: its CPU and states while the test works, whether it is in Thread.sleep, how
     * many waits it begins over at least 1.5 s); then it opens the latch. A runAll waiting in join() is WAITING,
     * uses no CPU and begins no new wait; one that loops on isAlive() is RUNNABLE and gets a share of a core, or,
     * with a sleep in the loop, keeps waking up.
     */
    @Test
    @Property("waits-without-spinning")
    void waitsWithoutSpinning() {
        int n = 4;
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(() -> {
                started.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        Waiting run = Waiting.start("runAll", () -> { Parallel.runAll(tasks); return null; });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (started.get() < n && !run.done() && System.nanoTime() < deadline) Thread.onSpinWait();
        try {
            run.parks(Duration.ofSeconds(1)); // runAll has settled into its wait (a spinning one never does: 1 s)
        } catch (AssertionError | UnsupportedOperationException e) {
            // runAll returned or threw without waiting: returns() below and the other properties tell
        }
        String busy = Waiting.pollsOrSpins(run.thread());
        release.countDown();
        run.returns(Duration.ofSeconds(8));
        if (busy != null) {
            throw new AssertionError("While its tasks waited, runAll's thread did not wait for them: " + busy + ". Wait for"
                    + " a thread with join(), which sleeps until the thread ends, not with a loop on isAlive().");
        }
    }
}
