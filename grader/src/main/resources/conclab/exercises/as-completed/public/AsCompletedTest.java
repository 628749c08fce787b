import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Public tests of the as-completed exercise: the learner may read them. */
class AsCompletedTest {
    /** Generous: the machine may be slow and busy. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    @Test
    @Property("completion-order")
    void completionOrder() throws Exception {
        String[] names = {"a", "b", "c"};
        CountDownLatch[] go = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            tasks.add(() -> { go[n].await(); return names[n]; });
        }
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Set<String> consumers = ConcurrentHashMap.newKeySet();
        Waiting call = Waiting.start("forEach(tasks a, b, c, 3 threads)", () -> {
            AsCompleted.forEach(tasks, 3, r -> { got.add(r); consumers.add(Thread.currentThread().getName()); });
            return null;
        });
        try {
            String order = "";
            for (int i : new int[] {2, 0, 1}) { // c finishes first, then a, then b
                go[i].countDown();
                String r = got.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
                if (r == null) {
                    if (call.done()) call.returns(LIMIT); // what it threw
                    throw new AssertionError((order.isEmpty()
                            ? "Task c finished first, and its result did not reach the consumer within " + LIMIT.toSeconds()
                                    + " s: does forEach wait for the tasks in the order of the list, or for all of them?"
                            : "The tasks finished in the order " + order + names[i] + ", and the result of " + names[i]
                                    + " did not reach the consumer within " + LIMIT.toSeconds() + " s."));
                }
                if (!r.equals(names[i])) {
                    throw new AssertionError("The tasks finished in the order " + order + names[i] + ", and the consumer got " + r
                            + " instead of " + names[i] + ".");
                }
                order += names[i] + " ";
            }
            call.returns(LIMIT);
        } finally {
            for (CountDownLatch g : go) g.countDown();
        }
        if (!consumers.equals(Set.of(call.thread().getName()))) {
            throw new AssertionError("The consumer was called on " + consumers + ", not on the thread that called forEach ("
                    + call.thread().getName() + "): give it the results on the calling thread, as Python's as_completed does.");
        }
    }

    @Test
    @Property("pool-size")
    void poolSize() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        CountDownLatch open = new CountDownLatch(1);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            tasks.add(() -> { inside.incrementAndGet(); open.await(); return n; });
        }
        Waiting call = Waiting.start("forEach(4 tasks, 2 threads)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; });
        try {
            if (!reaches(inside, 2, LIMIT, call)) {
                throw new AssertionError("With 2 threads and 4 tasks that wait, " + inside.get() + " task(s) ran at once after "
                        + LIMIT.toSeconds() + " s: a pool of 2 threads runs 2.");
            }
            if (reaches(inside, 3, Duration.ofSeconds(1), call)) {
                throw new AssertionError("With 2 threads, " + inside.get() + " tasks ran at once: use a pool of `threads` threads"
                        + " (Executors.newFixedThreadPool), not a thread per task.");
            }
        } finally {
            open.countDown();
        }
        call.returns(LIMIT);
    }

    /** Waits up to {@code limit} for {@code count} to reach {@code n}, or for the call to end (by throwing, say). */
    static boolean reaches(AtomicInteger count, int n, Duration limit, Waiting call) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count.get() < n && System.nanoTime() < deadline && !call.done()) Thread.sleep(5);
        if (count.get() < n && call.done()) call.returns(LIMIT); // fails with what it threw
        return count.get() >= n;
    }

    @Test
    @Property("closes-pool")
    void closesPool() throws Exception {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            tasks.add(() -> { workers.add(Thread.currentThread()); return n; });
        }
        Waiting.start("forEach(6 tasks, 2 threads)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; }).returns(LIMIT);
        for (Thread t : workers) {
            if (!t.join(LIMIT)) {
                throw new AssertionError("Thread " + t.getName() + ", which ran a task, was still alive " + LIMIT.toSeconds()
                        + " s after forEach returned: close the pool (try-with-resources) so that its threads end.");
            }
        }
        // A task throws: forEach throws (the property reports-failure says what), and the pool's threads end all the same.
        Set<Thread> failed = ConcurrentHashMap.newKeySet();
        var error = new IllegalStateException("page 2: 404 Not Found");
        List<Callable<Integer>> failing = List.of(
                () -> { failed.add(Thread.currentThread()); return 1; },
                () -> { failed.add(Thread.currentThread()); throw error; },
                () -> { failed.add(Thread.currentThread()); return 3; });
        Waiting call = Waiting.start("forEach(3 tasks, one throws, 2 threads)", () -> { AsCompleted.forEach(failing, 2, r -> {}); return null; });
        try {
            call.returns(LIMIT);
        } catch (AssertionError e) {
            if (e.getCause() == null) throw e; // did not return
        }
        for (Thread t : failed) {
            if (!t.join(LIMIT)) {
                throw new AssertionError("A task threw, and thread " + t.getName() + ", which ran a task, was still alive "
                        + LIMIT.toSeconds() + " s after forEach ended: close the pool whatever happens (try-with-resources),"
                        + " not only after the last result.");
            }
        }
        twoCallsAtOnce();
    }

    /**
     * Two calls of forEach at once, from two threads, each with a task of its own held at a latch: the first call's
     * task ends, and the first call must return, and its pool's threads end, while the second call's task still runs
     * (not interrupted); then the second call's task ends, and the second call returns. A pool kept in a static field
     * is shared: the first call closes the second call's pool (and waits for its task), or the other way round.
     */
    static void twoCallsAtOnce() throws Exception {
        Set<Thread> firstWorkers = ConcurrentHashMap.newKeySet(), secondWorkers = ConcurrentHashMap.newKeySet();
        CountDownLatch firstRuns = new CountDownLatch(1), secondRuns = new CountDownLatch(1);
        CountDownLatch firstGo = new CountDownLatch(1), secondGo = new CountDownLatch(1), secondInterrupted = new CountDownLatch(1);
        List<Callable<Integer>> firstTasks = List.of(() -> {
            firstWorkers.add(Thread.currentThread());
            firstRuns.countDown();
            firstGo.await();
            return 1;
        });
        List<Callable<Integer>> secondTasks = List.of(() -> {
            secondWorkers.add(Thread.currentThread());
            secondRuns.countDown();
            try {
                secondGo.await();
            } catch (InterruptedException e) {
                secondInterrupted.countDown();
                throw e;
            }
            return 2;
        });
        Waiting first = Waiting.start("the first of 2 forEach calls at once", () -> { AsCompleted.forEach(firstTasks, 1, r -> {}); return null; });
        Waiting second = null;
        try {
            if (!firstRuns.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (first.done()) first.returns(LIMIT);
                throw new AssertionError("forEach(1 task, 1 thread) did not start its task within " + LIMIT.toSeconds() + " s.");
            }
            second = Waiting.start("the second of 2 forEach calls at once", () -> { AsCompleted.forEach(secondTasks, 1, r -> {}); return null; });
            if (!secondRuns.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (second.done()) second.returns(LIMIT);
                throw new AssertionError("Two forEach calls ran at once, from two threads, and the second one did not start its"
                        + " task within " + LIMIT.toSeconds() + " s: " + second.thread().getName() + " "
                        + Hang.doing(second.thread()) + ".");
            }
            firstGo.countDown();
            try {
                first.returns(LIMIT);
            } catch (AssertionError e) {
                if (e.getCause() != null) throw e;
                throw new AssertionError("Two forEach calls ran at once, from two threads, each with a task of its own. The first"
                        + " call's task ended, and the first call did not return within " + LIMIT.toSeconds() + " s while"
                        + " the second call's task still ran: at the end it " + Hang.doing(first.thread())
                        .replaceFirst("^is ", "was still ") + ". Does it close (and wait for) the pool of the other call?"
                        + " Keep the pool in a local variable of forEach (try-with-resources), not in a static field: each"
                        + " call needs a pool of its own.");
            }
            for (Thread t : firstWorkers) {
                if (!t.join(LIMIT)) {
                    throw new AssertionError("Two forEach calls ran at once, from two threads. The first one returned, and thread "
                            + t.getName() + ", which ran its task, was still alive " + LIMIT.toSeconds() + " s later, while the"
                            + " second call still ran: did the first call close the second call's pool instead of its own?"
                            + " Keep the pool in a local variable of forEach (try-with-resources), not in a static field.");
                }
            }
            if (secondInterrupted.getCount() == 0) {
                throw new AssertionError("Two forEach calls ran at once, from two threads. When the first one returned, the"
                        + " second call's task had been interrupted: the first call cancelled what belongs to the second."
                        + " Keep the pool and the futures in local variables of forEach, not in static fields.");
            }
            if (second.done()) {
                String how;
                try {
                    second.returns(Duration.ZERO);
                    how = "returned";
                } catch (AssertionError e) {
                    how = e.getCause() == null ? "ended" : "threw " + e.getCause();
                }
                throw new AssertionError("Two forEach calls ran at once, from two threads. When the first one returned, the"
                        + " second call had " + how + " while its task still ran: the first call closed or cancelled what"
                        + " belongs to the second. Keep the pool and the futures in local variables of forEach, not in"
                        + " static fields.");
            }
            secondGo.countDown();
            try {
                second.returns(LIMIT);
            } catch (AssertionError e) {
                throw new AssertionError("Two forEach calls ran at once, from two threads; the first one returned, then the second"
                        + " call's task ended too, and the second call " + (e.getCause() == null ? "did not return within "
                        + LIMIT.toSeconds() + " s: at the end it " + Hang.doing(second.thread())
                        .replaceFirst("^is ", "was still ") : "threw " + e.getCause()) + ". Keep the pool and the futures in"
                        + " local variables of forEach, not in static fields: each call needs its own.", e.getCause());
            }
            for (Thread t : secondWorkers) {
                if (!t.join(LIMIT)) {
                    throw new AssertionError("Two forEach calls ran at once, from two threads, and both returned, but thread "
                            + t.getName() + ", which ran the second call's task, was still alive " + LIMIT.toSeconds()
                            + " s later: each call must close its own pool.");
                }
            }
        } finally {
            firstGo.countDown();
            secondGo.countDown();
        }
    }

    @Test
    @Property("reports-failure")
    void reportsFailure() {
        var error = new IllegalStateException("page 3: 500 Internal Server Error");
        List<Callable<String>> tasks = List.of(() -> "page 1", () -> { throw error; }, () -> "page 2");
        Waiting call = Waiting.start("forEach(3 tasks, one throws)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; });
        try {
            call.returns(LIMIT);
        } catch (AssertionError e) {
            if (e.getCause() instanceof ExecutionException ee && ee.getCause() == error) return; // as it should
            if (e.getCause() == null) throw e; // did not return
            throw new AssertionError("A task threw " + error + ", and forEach threw " + e.getCause()
                    + " instead of the ExecutionException that Future.get throws, with the task's exception as its cause.");
        }
        throw new AssertionError("A task threw " + error + ", and forEach returned normally: its exception was lost.");
    }
}
