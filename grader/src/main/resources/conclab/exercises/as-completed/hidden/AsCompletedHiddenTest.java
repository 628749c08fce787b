import conclab.grader.probe.Hang;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Hidden tests of the as-completed exercise: run when grading only. */
class AsCompletedHiddenTest {
    static final Duration LIMIT = Duration.ofSeconds(5);

    /**
     * A download that does not end on its own (until the check releases it): when interrupted, it counts down {@code interrupted}, then keeps
     * its thread until {@code release} (further interrupts ignored), as a task that takes a while to stop,
     * and throws the InterruptedException.
     */
    static String endless(CountDownLatch interrupted, CountDownLatch release) throws InterruptedException {
        try {
            release.await(); // a download that takes forever (released only by the check's clean-up)
        } catch (InterruptedException e) {
            interrupted.countDown();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    if (release.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) break;
                } catch (InterruptedException again) {
                    // still stopping
                }
            }
            throw e;
        }
        return "page 2";
    }

    /** How long the test watches forEach after the task's interrupt, the task still held (at least that long). */
    static final Duration STILL_RUNNING = Duration.ofSeconds(2);

    /**
     * Once the endless task was interrupted and still holds its thread: forEach must not have ended (it waits for
     * the pool to terminate). Waits until it is parked, or LIMIT passes with it still running, then STILL_RUNNING
     * more: a forEach that waits with a shorter time limit ends meanwhile.
     */
    static void stillWaits(Waiting call, String what) throws InterruptedException {
        try {
            call.parks(LIMIT);
        } catch (AssertionError e) {
            // ended: shown below
        }
        // the task stays alive for STILL_RUNNING after its interrupt: a forEach that waits with a shorter time limit
        // (awaitTermination(1 s), say) throws meanwhile; one that waits until the pool has terminated does not
        call.thread().join(STILL_RUNNING);
        if (call.done()) {
            String how;
            try {
                call.returns(LIMIT);
                how = "returned";
            } catch (AssertionError e) {
                how = e.getCause() == null ? "ended" : "threw " + e.getCause();
            }
            throw new AssertionError(what + ", and forEach " + how + ", while the task it had interrupted was still running"
                    + " (the check kept it from ending for " + STILL_RUNNING.toSeconds() + " s): shutdownNow() and cancel(true)"
                    + " only interrupt, they do not wait, and a wait with a time limit gives up."
                    + " Close the pool (close(), as try-with-resources does), which waits until its tasks have ended,"
                    + " so that no task is left running and no pool behind.");
        }
    }

    /**
     * Two tasks held at a latch, and the thread of forEach interrupted while it waits for them: forEach must throw
     * InterruptedException (not wait on, nor return as if every result had been given), having interrupted both
     * tasks and closed the pool, as after a failure: the threads that ran the tasks end.
     */
    @Test
    @Property("interruptible")
    void interruptible() throws Exception {
        CountDownLatch started = new CountDownLatch(2), interrupted = new CountDownLatch(2), never = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(2);
        java.util.concurrent.atomic.AtomicBoolean tasksEndedFirst = new java.util.concurrent.atomic.AtomicBoolean();
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        Callable<Integer> held = () -> {
            workers.add(Thread.currentThread());
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
                // a task that takes a moment to stop (it cleans up for 0.5 s): forEach must still outlast it
                long until = System.nanoTime() + 500_000_000L;
                while (System.nanoTime() < until) {
                    try {
                        Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException again) {
                        // interrupted once more (shutdownNow): it cleans up all the same
                    }
                }
                ended.countDown();
                throw e;
            }
            return 0;
        };
        Waiting call = Waiting.start("forEach(2 tasks held at a latch)", () -> {
            try {
                AsCompleted.forEach(List.of(held, held), 2, r -> {});
            } finally {
                tasksEndedFirst.set(ended.getCount() == 0);
            }
            return null;
        });
        try {
            if (!started.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("The 2 tasks did not both start within " + LIMIT.toSeconds() + " s.");
            }
            // not Waiting.endsWhenInterrupted, which allows 2 s: the tasks take 0.5 s to stop, and a busy machine more
            try {
                call.parks(LIMIT);
            } catch (AssertionError e) {
                // it ended: said below
            }
            call.thread().interrupt();
            if (!call.thread().join(Duration.ofSeconds(5))) {
                throw new AssertionError("forEach(2 tasks held at a latch) was interrupted and did not stop: 5 s later it "
                        + conclab.grader.probe.Hang.doing(call.thread()) + ". Let the InterruptedException of take() (or"
                        + " get()) come out of forEach, after cancelling the tasks and closing the pool (a finally does both).");
            }
            try {
                call.returns(Duration.ZERO);
                throw new AssertionError("forEach(2 tasks held at a latch) was interrupted and returned normally, as if every"
                        + " result had been given, though none had: its caller cannot tell. Let the InterruptedException"
                        + " come out of forEach.");
            } catch (AssertionError e) {
                if (!(e.getCause() instanceof InterruptedException)) throw e;
            }
            if (!interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("forEach was interrupted and threw InterruptedException, but its 2 tasks were"
                        + " still running " + LIMIT.toSeconds() + " s later: cancel them (cancel(true)) as after a failure.");
            }
            if (!tasksEndedFirst.get()) {
                throw new AssertionError("forEach was interrupted and threw InterruptedException while its 2 tasks, interrupted,"
                        + " were still ending (each took 0.5 s to stop): a task of forEach's outlived it. Cancel them, then"
                        + " close the pool, which waits for them, before you let the exception out (try-with-resources"
                        + " does it on every way out).");
            }
            for (Thread t : workers) {
                if (!t.join(LIMIT)) {
                    throw new AssertionError("forEach was interrupted and threw InterruptedException, but thread "
                            + t.getName() + ", which ran a task, was still alive " + LIMIT.toSeconds() + " s later:"
                            + " close the pool on every way out of forEach, an interrupt's too (try-with-resources does).");
                }
            }
        } finally {
            never.countDown();
        }
    }

    @Test
    @Property("cancels-rest")
    void cancelsRest() throws Exception {
        var error = new IllegalStateException("page 1: 500 Internal Server Error");
        CountDownLatch bothRun = new CountDownLatch(2), fail = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1), release = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> { bothRun.countDown(); fail.await(); throw error; },
                () -> { bothRun.countDown(); return endless(interrupted, release); });
        Waiting call = Waiting.start("forEach(2 tasks, one fails, one never ends)", () -> {
            AsCompleted.forEach(tasks, 2, r -> {});
            return null;
        });
        try {
            if (!bothRun.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("With 2 threads, the 2 tasks did not both start within " + LIMIT.toSeconds() + " s.");
            }
            fail.countDown();
            if (!interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (!call.done()) {
                    throw new AssertionError("A task threw, the other one was still running, and forEach did not return within "
                            + LIMIT.toSeconds() + " s: cancel the tasks not done (Future.cancel(true)) before closing the pool,"
                            + " whose close() waits for them. At the end it " + Hang.doing(call.thread()).replaceFirst("^is ", "was still ") + ".");
                }
                lost(call, error);
                throw new AssertionError("forEach threw, and the other task was still running " + LIMIT.toSeconds()
                        + " s later: cancel the tasks not done yet, with Future.cancel(true), which interrupts them.");
            }
            stillWaits(call, "A task threw, forEach interrupted the other one, which took a while to stop");
            release.countDown();
            try {
                lost(call, error);
            } catch (AssertionError e) {
                if (e.getCause() == null && e.getMessage().contains("did not return")) {
                    throw new AssertionError("A task threw, the other one was interrupted and then ended, and forEach did not"
                            + " return within " + LIMIT.toSeconds() + " s after. " + e.getMessage());
                }
                throw e;
            }
        } finally {
            fail.countDown();
            release.countDown();
        }
    }

    /** forEach must end by throwing the task's ExecutionException; fails otherwise. */
    static void lost(Waiting call, Exception error) {
        try {
            call.returns(LIMIT);
        } catch (AssertionError e) {
            if (e.getCause() instanceof ExecutionException) return;
            throw e;
        }
        throw new AssertionError("A task threw " + error + ", and forEach returned normally: its exception was lost.");
    }

    @Test
    @Property("consumer-fails")
    void consumerFails() throws Exception {
        var error = new IllegalStateException("cannot save page 1: disk full");
        CountDownLatch bothRun = new CountDownLatch(2), interrupted = new CountDownLatch(1), release = new CountDownLatch(1);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Callable<String>> tasks = List.of(
                () -> { workers.add(Thread.currentThread()); bothRun.countDown(); bothRun.await(); return "page 1"; },
                () -> { workers.add(Thread.currentThread()); bothRun.countDown(); return endless(interrupted, release); });
        Waiting call = Waiting.start("forEach(2 tasks, the consumer throws, one task never ends)", () -> {
            AsCompleted.forEach(tasks, 2, r -> { throw error; });
            return null;
        });
        try {
            if (!interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (!call.done()) {
                    throw new AssertionError("The consumer threw on the first result while the other task was still running, and"
                            + " forEach did not return within " + LIMIT.toSeconds() + " s: cancel the tasks not done"
                            + " (Future.cancel(true)) whatever the exception, the consumer's too (a finally block), before closing"
                            + " the pool, whose close() waits for them. At the end it "
                            + Hang.doing(call.thread()).replaceFirst("^is ", "was still ") + ".");
                }
                rethrows(call, error);
                throw new AssertionError("The consumer threw, forEach threw, and the other task was still running "
                        + LIMIT.toSeconds() + " s later: cancel the tasks not done yet, with Future.cancel(true), which interrupts them.");
            }
            stillWaits(call, "The consumer threw, forEach interrupted the other task, which took a while to stop");
            release.countDown();
            try {
                rethrows(call, error);
            } catch (AssertionError e) {
                if (e.getCause() == null && e.getMessage().contains("did not return")) {
                    throw new AssertionError("The consumer threw, the other task was interrupted and then ended, and forEach did"
                            + " not return within " + LIMIT.toSeconds() + " s after. " + e.getMessage());
                }
                throw e;
            }
            for (Thread t : workers) {
                if (!t.join(LIMIT)) {
                    throw new AssertionError("The consumer threw, and thread " + t.getName() + ", which ran a task, was still alive "
                            + LIMIT.toSeconds() + " s after forEach threw: close the pool whatever happens (try-with-resources).");
                }
            }
        } finally {
            release.countDown();
        }
    }

    /** forEach must end by throwing the consumer's exception; fails otherwise. */
    static void rethrows(Waiting call, Exception error) {
        try {
            call.returns(LIMIT);
        } catch (AssertionError e) {
            if (e.getCause() == error) return;
            if (e.getCause() == null) throw e;
            throw new AssertionError("The consumer threw " + error + ", and forEach threw " + e.getCause() + " instead of that exception.");
        }
        throw new AssertionError("The consumer threw " + error + " on the first result, and forEach returned normally: the exception was lost.");
    }

    @Test
    @Property("no-spin")
    void noSpin() throws Exception {
        CountDownLatch started = new CountDownLatch(1), open = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(
                () -> { started.countDown(); open.await(); return 1; },
                () -> { started.countDown(); open.await(); return 2; });
        Waiting call = Waiting.start("forEach(2 tasks held at a latch)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; });
        try {
            if (!started.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("No task started within " + LIMIT.toSeconds() + " s.");
            }
            call.parks(Duration.ofSeconds(1)); // settles; a loop never parks, and is watched all the same
            Waiting.Watch watch = call.watch(Duration.ofMillis(600));
            if (call.done()) throw new AssertionError("forEach returned while its 2 tasks were still held at a latch.");
            if (watch.spins()) {
                throw new AssertionError("While forEach waited for 2 tasks held at a latch, its thread " + watch.describe().replaceFirst("^it ", "")
                        + ": it should park until a task is done (CompletionService.take, Future.get), not loop over isDone().");
            }
        } finally {
            open.countDown();
        }
        call.returns(LIMIT);
    }

    enum TimedWait { ONE_FUTURE, BARE, OTHER }

    /**
     * How the caller waits now, if in a timed wait that the end of any task does not cut short: in one task's
     * Future.get with a time limit (LockSupport.getBlocker is a Future: only that task's end wakes it), or in a
     * bare LockSupport.parkNanos or parkUntil (no java.util.concurrent synchronizer as blocker: nothing wakes
     * it). A wait in a CompletionService's queue, timed or not, in Object.wait, or an untimed wait, is OTHER.
     */
    static TimedWait timedWait(Waiting call) {
        if (call.thread().getState() != Thread.State.TIMED_WAITING) return TimedWait.OTHER;
        if (LockSupport.getBlocker(call.thread()) instanceof Future<?>) return TimedWait.ONE_FUTURE;
        return Waiting.parksBare(call.thread()) ? TimedWait.BARE : TimedWait.OTHER;
    }

    @Test
    @Property("no-poll")
    void noPoll() throws Exception {
        CountDownLatch started = new CountDownLatch(2), open = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(
                () -> { started.countDown(); open.await(); return 1; },
                () -> { started.countDown(); open.await(); return 2; });
        Waiting call = Waiting.start("forEach(2 tasks held at a latch)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; });
        try {
            if (!started.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("The 2 tasks did not both start within " + LIMIT.toSeconds() + " s.");
            }
            call.parks(Duration.ofSeconds(1)); // settles; a caller that never parks is watched all the same
            long before = Waiting.waitedCount(call.thread());
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            boolean sleeps = false;
            int samples = 0, onOneFuture = 0, bare = 0, timed = 0;
            String bareIn = null, timedIn = null;
            while (System.nanoTime() < end && !call.done()) {
                if (Waiting.sleeps(call.thread())) sleeps = true; // Thread.sleep, directly or through TimeUnit.sleep
                String in = Waiting.timedWaitIn(call.thread());
                if (in != null && !in.endsWith("CompletionService.poll") && !in.matches(".*Blocking(Queue|Deque)\\.poll.*")) {
                    timed++; // a timed wait that no task's end cuts short: a latch, a semaphore, a monitor, a join
                    timedIn = in;
                }
                samples++;
                switch (timedWait(call)) {
                    case ONE_FUTURE -> onOneFuture++;
                    case BARE -> { bare++; if (bareIn == null) bareIn = call.waitsIn(); }
                    case OTHER -> { }
                }
                Thread.sleep(5); // samples the caller; synchronises nothing
            }
            long after = Waiting.waitedCount(call.thread());
            if (call.done() || after < 0) throw new AssertionError("forEach returned while its 2 tasks were still held at a latch.");
            long wakes = after - before;
            if (sleeps || wakes > 3) {
                throw new AssertionError("For 1 s both tasks were held at a latch, and the thread of forEach began to wait "
                        + wakes + " times" + (sleeps ? " (it was seen in Thread.sleep)" : "") + ": it polls, waking up again and"
                        + " again to look at the futures, and gives a result late. It should wait once, parked until a task is"
                        + " done: CompletionService.take() does.");
            }
            if (onOneFuture * 2 > samples) {
                throw new AssertionError("For 1 s both tasks were held at a latch, and the thread of forEach waited in one task's"
                        + " Future.get with a time limit in " + onOneFuture + " of " + samples + " samples: the end of that task"
                        + " alone wakes it, so a task that ends first waits for the time limit to run out before its result is"
                        + " handed on. It polls the futures one by one. Wait where the end of any task wakes you:"
                        + " CompletionService.take() does.");
            }
            if (timed * 2 > samples && wakes >= 2) {
                // woken while both tasks stayed held: by its time limit, not by a task's end (take() begins one wait)
                throw new AssertionError("For 1 s both tasks were held at a latch, and the thread of forEach was in a wait with a"
                        + " time limit that no task's end cuts short (" + timedIn + ") in " + timed + " of " + samples
                        + " samples, and began to wait " + wakes + " times although no task ended: it wakes by its time limit,"
                        + " looks at the futures again, and hands a result on late. Wait where the end of a task wakes you:"
                        + " CompletionService.take() does.");
            }
            if (bare * 2 > samples) {
                throw new AssertionError("For 1 s both tasks were held at a latch, and the thread of forEach was in a timed wait"
                        + " that no task's end cuts short (" + bareIn + ") in " + bare + " of " + samples + " samples: it can"
                        + " only wake up by itself, look at the futures again, and hand a result on late. Wait where the end of"
                        + " a task wakes you: CompletionService.take() does.");
            }
        } finally {
            open.countDown();
        }
        call.returns(LIMIT);
    }
}
