import conclab.grader.probe.ContextSwitches;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Public tests of the parallel-count exercise: the learner may read them. */
class ParallelCountTest {
    /** The thread that called count in the test running now (one count runs at a time). */
    static final AtomicReference<Thread> CALLER = new AtomicReference<>();

    /** Runs count on a thread of its own and waits for it at most 15 s: a hang fails, with where it hangs. */
    static long count(String what, int n, int threads, IntPredicate test) {
        AtomicLong result = new AtomicLong();
        Liveness.finish(what, Duration.ofSeconds(15), Liveness.task("caller", () -> {
            CALLER.set(Thread.currentThread());
            result.set(ParallelCount.count(n, threads, test));
        }));
        return result.get();
    }

    /**
     * Called by the test of the last number: holds the worker testing it until count's caller has returned,
     * or has waited (parked, not in Thread.sleep) for 50 ms on end, or 1 s has passed. A caller that adds up
     * the ranges' counts without waiting for every range then misses this one's. Never holds the caller itself.
     */
    static void lastRangeEndsLast() {
        Thread caller = CALLER.get();
        if (caller == null || caller == Thread.currentThread()) return;
        long deadline = System.nanoTime() + 1_000_000_000L, parkedSince = -1;
        while (caller.isAlive() && System.nanoTime() < deadline) {
            Thread.State s = caller.getState();
            boolean parked = (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) && !sleeps(caller);
            if (!parked) parkedSince = -1;
            else if (parkedSince < 0) parkedSince = System.nanoTime();
            else if (System.nanoTime() - parkedSince >= 50_000_000L) return;
            try {
                Thread.sleep(1); // a look every millisecond
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean sleeps(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) if (e.getClassName().equals("java.lang.Thread") && e.getMethodName().equals("sleep")) return true;
        return false;
    }

    static boolean isPrime(int i) {
        if (i < 2) return false;
        for (int d = 2; (long) d * d <= i; d++) if (i % d == 0) return false;
        return true;
    }

    /** Counts with a test that records how often each number was tested; fails on any number tested other than once. */
    static void exactly(int n, int threads, IntPredicate test, String testName) {
        AtomicIntegerArray tested = new AtomicIntegerArray(n);
        AtomicLong outside = new AtomicLong(Long.MIN_VALUE);
        String what = "count(" + n + ", " + threads + ", " + testName + ")";
        long got = count(what, n, threads, i -> {
            if (i < 0 || i >= n) outside.set(i);
            else tested.incrementAndGet(i);
            if (i == n - 1) lastRangeEndsLast();
            return test.test(i);
        });
        if (outside.get() != Long.MIN_VALUE)
            throw new AssertionError(what + " tested the number " + outside.get() + ", which is not among 0 to " + (n - 1) + ".");
        for (int i = 0; i < n; i++) {
            if (tested.get(i) != 1) {
                throw new AssertionError(what + " tested the number " + i + " " + (tested.get(i) == 0 ? "never" : tested.get(i) + " times")
                        + ": each of 0 to " + (n - 1) + " must be tested once. Do the ranges cover all the numbers, the last ones"
                        + " too when n is not a multiple of threads?");
            }
        }
        long expected = 0;
        for (int i = 0; i < n; i++) if (test.test(i)) expected++;
        if (got != expected) throw new AssertionError(what + " returned " + got + ", but " + expected + " numbers pass the test.");
    }

    @Test
    @Property("exact")
    void exact() {
        exactly(100_000, 4, ParallelCountTest::isPrime, "isPrime");
        exactly(1_001, 7, i -> i % 3 == 0, "i % 3 == 0");
        exactly(10, 4, i -> true, "i -> true");
        exactly(3, 4, i -> true, "i -> true");
        exactly(1, 1, i -> true, "i -> true");
        exactly(0, 2, i -> true, "i -> true");
        beyondInt();
    }

    /**
     * count(150_000_000, 16, (i & 7) == 0): n * t is above 2^31 - 1 for t = 15, so bounds computed as n * t / threads
     * in int overflow and go negative. Too many numbers to record each one: it checks that no number outside
     * 0 to n - 1 is tested, and that every 1024th number (0, 1024, 2048, ...) is tested exactly once, which a range
     * skipped, cut short or overlapping by overflowed bounds misses (such bounds are off by millions). Only one test
     * in 1024 touches shared memory, so the check costs the learner's threads almost nothing.
     */
    static void beyondInt() {
        int n = 150_000_000, threads = 16;
        AtomicLong outside = new AtomicLong(Long.MIN_VALUE);
        java.util.concurrent.atomic.AtomicIntegerArray sampled = new java.util.concurrent.atomic.AtomicIntegerArray((n >>> SAMPLE_BITS) + 1);
        String what = "count(" + n + ", " + threads + ", (i & 7) == 0)";
        count(what, n, threads, i -> {
            if (i < 0 || i >= n) outside.set(i);
            else if ((i & SAMPLE_MASK) == 0) sampled.incrementAndGet(i >>> SAMPLE_BITS);
            return (i & 7) == 0;
        });
        if (outside.get() != Long.MIN_VALUE) {
            throw new AssertionError(what + " tested the number " + outside.get() + ", which is not among 0 to " + (n - 1) + ":"
                    + " n * t is more than an int holds (2^31 - 1) here. Compute the bounds in long: (int) ((long) n * t / threads).");
        }
        for (int k = 0; k < sampled.length(); k++) {
            int times = sampled.get(k);
            if (times != 1) {
                throw new AssertionError(what + " tested the number " + ((long) k << SAMPLE_BITS) + " " + (times == 0
                        ? "never: some ranges were skipped or cut short" : times + " times: some ranges overlap") + ". n * t"
                        + " is more than an int holds (2^31 - 1) here: compute every bound in long, and cast only the"
                        + " quotient, (int) ((long) n * t / threads).");
            }
        }
        // The count itself is not checked here: the smaller cases above check it, and a shared total that loses
        // updates (no-lost-counts) would lose some of these 18.75 million only sometimes. The numbers tested are the
        // check's own record, which no such total touches.
    }

    /** beyondInt looks at every 2^10th number. */
    static final int SAMPLE_BITS = 10, SAMPLE_MASK = (1 << SAMPLE_BITS) - 1;

    @Test
    @Property("all-threads")
    void allThreads() {
        // 4 threads, or 2 more than the processors: a pool of one thread per processor does not have them all
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() + 2), n = 1_000 * threads;
        CountDownLatch allIn = new CountDownLatch(threads);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicLong lonely = new AtomicLong(), byCaller = new AtomicLong(-1), virtual = new AtomicLong(-1);
        String what = "count(" + n + ", " + threads + ", i % 2 == 0)";
        long got = count(what, n, threads, i -> {
            if (Thread.currentThread() == CALLER.get()) byCaller.compareAndSet(-1, i);
            if (Thread.currentThread().isVirtual()) virtual.compareAndSet(-1, i);
            if (seen.add(Thread.currentThread())) {
                names.add(Thread.currentThread().toString());
                allIn.countDown();
                try {
                    // each new thread waits here until all `threads` have come: only threads that run at once get through
                    if (!allIn.await(5, TimeUnit.SECONDS)) lonely.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (i == n - 1) lastRangeEndsLast();
            return i % 2 == 0;
        });
        if (byCaller.get() >= 0) {
            throw new AssertionError(what + ": count's calling thread tested the number " + byCaller.get() + " itself. Every"
                    + " range must be counted by the pool's `threads` threads while the caller waits, without running.");
        }
        if (virtual.get() >= 0) {
            // a virtual thread that waits at the latch leaves its carrier, so all of them get through it; counting, they
            // do not: the carriers, one per processor, then run at most that many ranges at once
            throw new AssertionError(what + ": a virtual thread tested the number " + virtual.get() + ". Virtual threads"
                    + " that compute, never waiting, run at most one per processor at once (on the JDK's carrier threads):"
                    + " count the ranges on a pool of `threads` platform threads.");
        }
        if (allIn.getCount() > 0) {
            throw new AssertionError("With threads = " + threads + " (on " + Runtime.getRuntime().availableProcessors()
                    + " processors), only " + seen.size() + " thread(s) tested numbers at the same time " + names + ", each"
                    + " waiting 5 s for the others: the " + threads + " ranges must be counted on " + threads + " threads at"
                    + " once, by a pool of `threads` threads (not one per processor), each range a task of its own.");
        }
        if (got != n / 2) throw new AssertionError(what + " returned " + got + ", not " + n / 2 + ".");
    }

    @Test
    @Property("no-lost-counts")
    void noLostCounts() {
        writeHeldBack(4_000, 4);
        stressed();
    }

    /**
     * Runs count(n, threads, i -> true) on a copy of the learner's classes in which every write to a field or an
     * array element calls {@link Writes} just before and just after it. The first thread that writes after it has
     * tested a number is held just before that write until another thread has written (at most 3 s), then let go.
     * That is a schedule any machine may run (a thread paused by the scheduler between two instructions), so it
     * changes nothing for right code: a count merged under a lock holds the lock while it waits (the other thread
     * then does not write, and the wait ends after 3 s), a count of its own in an array element is not touched by
     * the other's write, and an AtomicLong or a Future's result is written by the JDK, not by the learner's code.
     * But a shared total[0] += found has read total[0] before the pause: its write then replaces the other
     * thread's sum with a stale one, every time, on any number of processors.
     */
    static void writeHeldBack(int n, int threads) {
        Method count = Writes.instrumentedCount();
        if (count == null) return; // no copy could be made: the stress test below decides
        String what = "count(" + n + ", " + threads + ", i -> true)";
        Writes.Round round = new Writes.Round();
        AtomicLong result = new AtomicLong();
        Writes.round = round;
        try {
            Liveness.finish(what, Duration.ofSeconds(15), Liveness.task("caller", () -> {
                CALLER.set(Thread.currentThread());
                try {
                    result.set((long) InstrumentedCopy.invoke(count, null, n, threads, (IntPredicate) i -> {
                        round.tested();
                        return true;
                    }));
                } catch (Exception | Error e) { // what count threw, as it threw it
                    for (Throwable c = e; c != null; c = c.getCause()) {
                        if (c instanceof LinkageError) { // the copy would not load: no evidence either way
                            result.set(n);
                            return;
                        }
                    }
                    throw e;
                }
            }));
        } finally {
            Writes.round = null;
        }
        if (result.get() != n && round.heldBack) {
            throw new AssertionError(what + " returned " + result.get() + ", not " + n + ". The check paused the first"
                    + " thread that wrote to memory after testing numbers just before that write, until another thread had"
                    + " written too, as a busy machine may pause any thread: the first thread's write then replaced what the"
                    + " others had written with a sum made before it. Do several threads add to one shared total (total[0] += found) without a lock? Return"
                    + " each range's count from its task (a Callable), and add the results up on the calling thread, once"
                    + " every task has ended (Future.get()).");
        }
        if (result.get() != n) throw new AssertionError(what + " returned " + result.get() + ", not " + n + ".");
    }

    /**
     * What the instrumented copy of the learner's classes calls around each of its writes (public: that copy is
     * in a class loader of its own, another package at run time).
     */
    public static final class Writes {
        /** The round under way, or null: then the calls do nothing. */
        static volatile Round round;

        public static void before() {
            Round r = round;
            if (r != null) r.before();
        }

        public static void after() {
            Round r = round;
            if (r != null) r.after();
        }

        /** One count: which threads tested numbers, and the one write held back. */
        static final class Round {
            final Set<Thread> testers = ConcurrentHashMap.newKeySet();
            final AtomicReference<Thread> held = new AtomicReference<>();
            final CountDownLatch otherWrote = new CountDownLatch(1);
            /** Whether the held thread was let go because another wrote (not after 3 s alone). */
            volatile boolean heldBack;

            void tested() {
                testers.add(Thread.currentThread());
            }

            void before() {
                Thread me = Thread.currentThread();
                if (!testers.contains(me) || !held.compareAndSet(null, me)) return;
                try {
                    heldBack = otherWrote.await(3, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            void after() {
                Thread me = Thread.currentThread(), h = held.get();
                if (h != null && h != me && testers.contains(me)) otherWrote.countDown();
            }
        }

        /** count of a copy of the learner's classes with calls around every write, or null if none could be made. */
        static Method instrumentedCount() {
            ClassDesc hook = ClassDesc.of(Writes.class.getName());
            MethodTypeDesc none = MethodTypeDesc.of(ConstantDescs.CD_void);
            var copy = new InstrumentedCopy("instrumented", ParallelCountTest.class.getClassLoader(), (cls, method) -> (code, e) -> {
                boolean write = e instanceof ArrayStoreInstruction
                        || e instanceof FieldInstruction f && (f.opcode() == Opcode.PUTFIELD || f.opcode() == Opcode.PUTSTATIC);
                if (write) code.invokestatic(hook, "before", none);
                code.with(e);
                if (write) code.invokestatic(hook, "after", none);
            });
            try {
                return copy.method("ParallelCount", "count", int.class, int.class, IntPredicate.class);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    }

    /** Many rounds of 16 threads that count at once, their counts added up as they come. */
    static void stressed() {
        // 16 threads, so that on a busy machine two of them often run at the same instant on two cores
        int n = 64_000_000, threads = 16;
        Stress.repeat(6, Duration.ofSeconds(5), round -> {
            CountDownLatch started = new CountDownLatch(threads);
            ThreadLocal<Boolean> arrived = ThreadLocal.withInitial(() -> false);
            long got = count("count(" + n + ", " + threads + ", i -> true)", n, threads, i -> {
                if (!arrived.get()) {
                    arrived.set(true);
                    started.countDown();
                    try {
                        started.await(2, TimeUnit.SECONDS); // a start gate: the threads count at the same time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                VarHandle.releaseFence(); // what the thread counted so far is written to memory, as after a real test
                if (i == n - 1) lastRangeEndsLast();
                return true;
            });
            return got == n ? null : "count(" + n + ", " + threads + ", i -> true) returned " + got + ", not " + n + ": " + (n - got)
                    + " counts were lost. Do several threads add to one shared total at once? Give each range its own"
                    + " count, return it from its task, and add the results up on one thread, once every task has ended.";
        });
    }

    /**
     * 4 threads each wait, at their first number, for a latch. Once all 4 are there, this test does 300 ms of
     * CPU work of its own, looking at count's calling thread between steps, then looks 20 times at where it
     * waits, and only then opens the latch. A caller waiting in Future.get() or close() is parked: it uses no CPU,
     * is never in Thread.sleep, and is not woken while the ranges run. One that loops until the parts are done
     * keeps running, or, with a sleep or a timed get() or awaitTermination() in the loop, keeps waking up: its
     * waits (ThreadMXBean's waited count) and wake-ups (Linux) are counted over at least 1.5 s.
     */
    @Test
    @Property("waits-without-spinning")
    void waitsWithoutSpinning() {
        CountDownLatch release = new CountDownLatch(1), waiting = new CountDownLatch(4);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        Waiting run = Waiting.start("count-caller", () -> ParallelCount.count(4_000, 4, i -> {
            if (seen.add(Thread.currentThread())) {
                waiting.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return true;
        }));
        try {
            waiting.await(5, TimeUnit.SECONDS); // all 4 threads have started: the caller has submitted every range
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            run.parks(Duration.ofSeconds(1)); // the caller has settled into its wait (a spinning one never does: 1 s)
        } catch (AssertionError | UnsupportedOperationException e) {
            // count returned or threw without waiting: returns() below and the other properties tell
        }
        Path task = ContextSwitches.task("count-caller");
        long before = ContextSwitches.of(task), waitedBefore = Waiting.waitedCount(run.thread()), windowStart = System.nanoTime();
        Waiting.Watch watch = Waiting.watchWhileWorking(run.thread(), Duration.ofMillis(300));
        int looks = 20, sleeping = 0;
        for (int i = 0; i < looks; i++) {
            if (sleeps(run.thread())) sleeping++;
            try {
                Thread.sleep(2); // spaces the looks: what is looked at keeps waiting on the latch meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // The wake-ups are counted over at least WINDOW of wall time, however fast the work above went: a loop
        // on a timed wait (awaitTermination(100 ms), get(100 ms)) wakes once per timeout, a few times in it.
        long rest = WINDOW.toNanos() - (System.nanoTime() - windowStart);
        if (rest > 0) {
            try {
                Thread.sleep(Duration.ofNanos(rest)); // an observation window, not a wait for anything
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long woken = before < 0 ? -1 : ContextSwitches.of(task) - before;
        long waitedAfter = Waiting.waitedCount(run.thread());
        long waited = waitedBefore < 0 || waitedAfter < 0 ? -1 : waitedAfter - waitedBefore;
        long window = (System.nanoTime() - windowStart) / 1_000_000;
        release.countDown();
        run.returns(Duration.ofSeconds(15));
        if (watch.spins()) {
            throw new AssertionError("While the threads waited, count's calling thread did not: " + watch.describe() + "."
                    + " Wait for the tasks with Future.get() (or close the pool), which sleeps until they are done, not"
                    + " with a loop.");
        }
        if (sleeping * 2 > looks) {
            throw new AssertionError("While the threads waited, count's calling thread was in Thread.sleep in " + sleeping
                    + " of " + looks + " looks: it polls, a loop with a sleep. Wait for the tasks with Future.get() (or close"
                    + " the pool), which returns as soon as they are done, not with a loop.");
        }
        if (waited > WAKEUPS) {
            throw new AssertionError("While the threads waited, count's calling thread began " + waited + " waits in " + window
                    + " ms (a thread parked in Future.get() or close() begins one, and is not woken until a task ends, and"
                    + " none ended): it polls, a loop on a timed wait (awaitTermination(100, MILLISECONDS), get(10, ...))"
                    + " or a sleep. Wait for the tasks with Future.get() (or close the pool), not with a loop.");
        }
        if (woken > WAKEUPS) {
            throw new AssertionError("While the threads waited, count's calling thread woke up " + woken + " times (a thread"
                    + " parked in Future.get() or close() is not woken until a task ends, and none ended): it polls, a loop"
                    + " with a sleep or a timed get. Wait for the tasks with Future.get() (or close the pool), not with a loop.");
        }
    }

    /** How many times the caller may wake up while no range ends; one parked in get() or close() wakes none. */
    static final int WAKEUPS = 5;

    /** The least wall time over which the caller's waits and wake-ups are counted. */
    static final Duration WINDOW = Duration.ofMillis(1500);
}
