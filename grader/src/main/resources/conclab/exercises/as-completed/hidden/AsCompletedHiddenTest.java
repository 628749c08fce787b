import static java.lang.constant.ConstantDescs.CD_void;

import conclab.grader.probe.Evidence;
import conclab.grader.probe.Hang;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Property;
import conclab.grader.probe.TimeLimits;
import conclab.grader.probe.Waiting;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.AccessFlag;
import java.time.Duration;
import java.util.AbstractList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
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
     * the pool to terminate), and must wait parked, not poll for the pool's end. Waits until it is parked (2 s at
     * most: a poller never settles), then watches it for STILL_RUNNING: a forEach that waits with a shorter time limit
     * ends meanwhile, and one that waits in a loop of short waits (awaitTermination(10 ms) again and again) begins
     * a wait at each turn, which Waiting.pollsOrSpins counts.
     */
    static void stillWaits(Waiting call, String what) throws InterruptedException {
        try {
            call.parks(Duration.ofSeconds(2));
        } catch (AssertionError e) {
            // ended: shown below
        }
        long end = System.nanoTime() + STILL_RUNNING.toNanos();
        String polls = call.done() ? null : Waiting.pollsOrSpins(call.thread()); // takes 1.5 s or more of the window
        // the task stays alive for STILL_RUNNING after its interrupt: a forEach that waits with a shorter time limit
        // (awaitTermination(1 s), say) throws meanwhile; one that waits until the pool has terminated does not
        call.thread().join(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
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
        if (polls != null) {
            throw new AssertionError(what + ", and while that task was still stopping, the thread of forEach did not wait"
                    + " parked for the pool's end: " + polls + ". Close the pool with close() (try-with-resources does it),"
                    + " which waits once, parked, until the pool has terminated; not in a loop of short waits"
                    + " (awaitTermination with a short time limit, or a sleep, again and again).");
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
        AtomicBoolean tasksEndedFirst = new AtomicBoolean();
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

    /**
     * A wait whose time limit never runs out must still end when a task ends: every time limit in the solution's
     * code is stretched to days ({@link Instrumented}, {@link TimeLimits}), so a thread that used to wake by its time
     * limit, look at the futures and wait again (a private latch's await(1 s), a private queue's poll(500 ms), one
     * future's get(500 ms) in turn, a sleep) now waits for good, while one parked where a task's end wakes it (take(), or a
     * CompletionService's poll(1 s)) is woken as before. The tasks end last one first: a caller that waits on
     * the first future with a time limit does not see the second one end.
     */
    @Test
    @Property("no-poll")
    void wokenByTaskEnd() throws Exception {
        InstrumentedCopy stretched = Instrumented.loader(true);
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch[] go = {new CountDownLatch(1), new CountDownLatch(1)};
        List<Callable<String>> tasks = List.of(
                () -> { started.countDown(); go[0].await(); return "page 1"; },
                () -> { started.countDown(); go[1].await(); return "page 2"; });
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Waiting call = Waiting.start("forEach(2 tasks held at a latch, its time limits made days long)", () -> {
            Instrumented.forEach(stretched, tasks, 2, got::add);
            return null;
        });
        try {
            if (!started.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("The 2 tasks did not both start within " + LIMIT.toSeconds() + " s.");
            }
            for (int i : new int[] {1, 0}) {
                call.parks(LIMIT); // the thread of forEach waits (a loop that spins is left to no-spin)
                go[i].countDown();
                if (got.poll(LIMIT.toSeconds(), TimeUnit.SECONDS) == null) {
                    if (call.done()) call.returns(LIMIT); // what it threw
                    throw new AssertionError("The check made every time limit in your code days long (poll(500, MILLISECONDS)"
                            + " became poll(500, DAYS), sleep(10) a sleep of days), so that only what a wait waits for can end"
                            + " it. Then task " + (i + 1) + " ended while forEach waited, and its result did not reach the"
                            + " consumer within " + LIMIT.toSeconds() + " s: forEach " + Hang.doing(call.thread())
                            .replaceFirst("^is ", "was still ") + ". The end of task " + (i + 1) + " does not wake that"
                            + " wait: only its time limit, if it has one (now days away), or another task's end does. It polls, or"
                            + " waits for the tasks one after the other, and hands a result on late. Wait where the end of"
                            + " any task wakes you: CompletionService.take() does.");
                }
            }
            call.returns(LIMIT);
        } finally {
            for (CountDownLatch g : go) g.countDown();
            if (!call.done()) call.thread().interrupt(); // failed: a wait of days, ended
        }
    }

    /**
     * A task that ends just before the thread of forEach begins to wait must not be missed: the check holds that
     * thread at the first place where it is about to take a lock or wait ({@link Instrumented}, {@link Race}), once
     * it has taken the tasks from the list, ends a task meanwhile, and lets it go on only when that task's end is
     * over (the pool's thread is back in the pool). A forEach that looked for a finished task before, outside the
     * lock, and then waits for a notify that has already happened (the lost wake-up) waits there for the other
     * task, which the check holds. Code that looks again under the lock, in a loop, finds the result and goes on.
     */
    @Test
    @Property("no-lost-wakeup")
    void noLostWakeup() throws Exception {
        InstrumentedCopy instrumented = Instrumented.loader(false); // a wait cut short by its time limit is no-poll's
        CountDownLatch started = new CountDownLatch(2), goFirst = new CountDownLatch(1), goLast = new CountDownLatch(1);
        Race race = new Race(started, goLast);
        Callable<String> first = () -> { started.countDown(); goFirst.await(); return "page 1"; };
        Callable<String> last = () -> {
            race.worker = Thread.currentThread();
            started.countDown();
            goLast.await();
            race.returning = true; // its last statement: what runs after it on this thread is the pool's
            return "page 2";
        };
        // the last task is the one ended: once the solution has taken it from the list, it has taken all of them
        List<Callable<String>> tasks = new AbstractList<>() {
            @Override
            public Callable<String> get(int i) {
                if (i == 1) race.taken = true;
                return List.of(first, last).get(i);
            }

            @Override
            public int size() {
                return 2;
            }
        };
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        Hooks.race = race;
        Waiting call = Waiting.start("forEach(2 tasks held at a latch)", () -> {
            race.caller = Thread.currentThread();
            Instrumented.forEach(instrumented, tasks, 2, got::add);
            return null;
        });
        try {
            // until the hook has held forEach, or forEach waits where no hook held it (take(), get()): then the check
            // claims the race itself, so that no hook holds forEach later, and only lets the tasks end
            long deadline = System.nanoTime() + LIMIT.toNanos();
            boolean byTest = false;
            while (!byTest && !race.claimed() && System.nanoTime() < deadline) {
                byTest = started.getCount() == 0 && call.parks(Duration.ofMillis(100)) && race.claim();
            }
            byTest = byTest || race.claim(); // not held, nor parked (a spin, which no-spin judges): no race
            if (!byTest && race.awaitOver(LIMIT.multipliedBy(2)) && race.ended
                    && got.poll(LIMIT.toSeconds(), TimeUnit.SECONDS) == null) {
                if (call.done()) call.returns(LIMIT); // what it threw
                throw new AssertionError("The check held the thread of forEach just before it took a lock or began to"
                        + " wait, at " + race.heldAt + ", and ended task 2 meanwhile. Its result did not reach the consumer"
                        + " within " + LIMIT.toSeconds() + " s while task 1 still ran: forEach "
                        + Hang.doing(call.thread()).replaceFirst("^is ", "was still ") + ". It waits for a task's end that"
                        + " has already happened (a lost wake-up): it looked for a finished task before it took the lock,"
                        + " and the task's notify (or signal) came before its wait. Look for a finished task under the lock, in a loop"
                        + " (while none is done, wait()), or use CompletionService.take().");
            }
            goFirst.countDown();
            goLast.countDown();
            call.returns(LIMIT);
        } finally {
            Hooks.race = null;
            goFirst.countDown();
            goLast.countDown();
            if (!call.done()) call.thread().interrupt(); // failed: a lost wake-up, ended
        }
    }

    /**
     * The race of {@link #noLostWakeup}: the first time the thread of forEach reaches a hook ({@link Hooks#pause})
     * after it has taken the last task from the list, it waits until both tasks run, lets the last one end, and waits
     * until its end is over, before it goes on to take its lock or wait.
     */
    static final class Race {
        final CountDownLatch started, go;
        volatile Thread caller, worker;
        volatile boolean taken, returning, ended;
        /** Where the thread of forEach was held, once it was. */
        volatile String heldAt;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CountDownLatch over = new CountDownLatch(1);

        Race(CountDownLatch started, CountDownLatch go) {
            this.started = started;
            this.go = go;
        }

        /** Whoever claims the race first ends the task: the hook, or the test when forEach waits where no hook is. */
        boolean claim() {
            return claimed.compareAndSet(false, true);
        }

        /** Whether the race was claimed, by the hook or the test. */
        boolean claimed() {
            return claimed.get();
        }

        /** Waits until the hook has held the thread of forEach and let it go; false if it did not within {@code limit}. */
        boolean awaitOver(Duration limit) throws InterruptedException {
            return over.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** On the thread of forEach, before it takes a lock or waits. */
        void pause() {
            if (Thread.currentThread() != caller || !taken || !claim()) return;
            try {
                boolean running = started.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
                if (running) heldAt = Evidence.where(Thread.currentThread().getStackTrace());
                go.countDown();
                if (!running) return; // not submitted yet, say: no race here, the task ends when it runs
                long deadline = System.nanoTime() + LIMIT.toNanos();
                while (System.nanoTime() < deadline) {
                    if (returning && endIsOver()) {
                        ended = true;
                        return;
                    }
                    if (waitsForCaller()) return; // it needs a lock this thread holds: the race cannot happen here
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // for forEach to see
            } finally {
                over.countDown();
            }
        }

        /**
         * Whether the task's thread has left the task and what its end does (a future's completion, the solution's
         * done(), a CompletionService's queue): ended, or parked where no frame is the task's, a future's, or the
         * solution's (back in the pool's queue).
         */
        private boolean endIsOver() {
            Thread t = worker;
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) return true;
            if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) return false;
            for (StackTraceElement e : t.getStackTrace()) {
                String c = e.getClassName();
                if (Evidence.isLearners(e) || c.startsWith("AsCompletedHiddenTest")
                        || c.startsWith("java.util.concurrent.FutureTask") || c.startsWith("java.util.concurrent.CompletableFuture")
                        || c.startsWith("java.util.concurrent.ExecutorCompletionService")) return false;
            }
            return true;
        }

        /** Whether the task's thread waits for a lock that the thread of forEach holds. */
        private boolean waitsForCaller() {
            ThreadInfo i = ManagementFactory.getThreadMXBean()
                    .getThreadInfo(worker.threadId());
            return i != null && i.getLockOwnerId() == caller.threadId();
        }
    }

    /**
     * Called by the solution's code as {@link Instrumented} rewrote it: public, as that code is in another class
     * loader, and so in another package at run time.
     */
    public static final class Hooks {
        private Hooks() {}

        /** The race a test sets up, or null. */
        static volatile Race race;

        /** Before the solution's code takes a lock or waits. */
        public static void pause() {
            Race r = race;
            if (r != null) r.pause();
        }
    }

    /**
     * The solution's classes (those compiled from the solution cell) loaded anew, in a loader of their own
     * ({@link InstrumentedCopy}), with two changes to their bytecode: every time limit they give a wait is made days
     * long, if asked ({@link TimeLimits}: the unit of a call that ends with a long and a TimeUnit becomes DAYS; the
     * long, Duration or Date of wait, sleep, join, parkNanos, parkUntil, awaitNanos, awaitUntil, timedWait or
     * timedJoin becomes days or years), so that a wait ends only when what it waits for happens; and before each
     * place where the code takes a lock or waits (a synchronized block, a call of one of its synchronized methods,
     * lock, wait, await, park, acquire) it calls {@link Hooks#pause}. Every other class (the JDK's, the test's) is the one the test uses.
     */
    static final class Instrumented {
        private static final ClassDesc HOOKS = ClassDesc.of(Hooks.class.getName());
        private static final Set<String> WAITS = Set.of("lock", "lockInterruptibly", "tryLock", "wait", "await",
                "awaitNanos", "awaitUninterruptibly", "awaitUntil", "park", "parkNanos", "parkUntil", "acquire",
                "acquireUninterruptibly", "tryAcquire");

        private Instrumented() {}

        /** A loader of the instrumented classes; their time limits are stretched if {@code stretch}, the hooks are there either way. */
        static InstrumentedCopy loader(boolean stretch) {
            ClassLoader parent = AsCompletedHiddenTest.class.getClassLoader();
            return new InstrumentedCopy("instrumented solution", parent, (cls, method) -> (code, e) -> {
                if (e instanceof MonitorInstruction m && m.opcode() == Opcode.MONITORENTER) {
                    pause(code);
                } else if (e instanceof InvokeInstruction i) {
                    String name = i.name().stringValue();
                    if (WAITS.contains(name) || synchronizedMethod(parent, i)) pause(code);
                    if (stretch) TimeLimits.stretch(code, i);
                }
                code.with(e);
            });
        }

        /** Calls the instrumented {@code AsCompleted.forEach}, and throws what it throws. */
        static void forEach(InstrumentedCopy loader, List<Callable<String>> tasks, int threads,
                Consumer<String> each) throws Exception {
            InstrumentedCopy.invoke(loader.method("AsCompleted", "forEach", List.class, int.class, Consumer.class),
                    null, tasks, threads, each);
        }

        private static void pause(CodeBuilder code) {
            code.invokestatic(HOOKS, "pause", MethodTypeDesc.of(CD_void));
        }

        /** Whether {@code i} calls a synchronized method of the solution's, which takes a lock as it begins. */
        private static boolean synchronizedMethod(ClassLoader parent, InvokeInstruction i) {
            var owner = InstrumentedCopy.learnersClass(parent, i.owner().asInternalName().replace('/', '.'));
            if (owner == null) return false;
            for (var m : owner.methods()) {
                if (m.methodName().equals(i.name()) && m.methodType().equals(i.type())
                        && m.flags().has(AccessFlag.SYNCHRONIZED)) return true;
            }
            return false;
        }
    }
}
