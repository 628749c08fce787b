package conclab.grader.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A call expected to block, watched from outside: whether it blocks at all, on what it waits (a
 * {@code Condition}, a monitor's {@code wait}, a sleep), how much CPU it burns meanwhile (a busy wait burns
 * a whole core), and whether it returns once released.
 *
 * <p>The call runs on a platform thread, whose CPU time {@link ThreadMXBean} can measure.
 */
public final class Waiting {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /** A call that returns a value (or null for void calls); may throw. */
    @FunctionalInterface
    public interface Call {
        Object call() throws Exception;
    }

    private final Thread thread;
    private final String what;
    private final AtomicReference<Object> result = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Waiting(String what, Call call) {
        this.what = what;
        this.thread = Thread.ofPlatform().name(what).daemon().unstarted(() -> {
            try {
                result.set(call.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
    }

    /** Starts {@code call} on a new platform thread named {@code what}. */
    public static Waiting start(String what, Call call) {
        Waiting w = new Waiting(what, call);
        w.thread.start();
        return w;
    }

    /** The thread running the call. */
    public Thread thread() {
        return thread;
    }

    /**
     * Waits up to {@code limit} for the call to be parked: WAITING or TIMED_WAITING in every sample over
     * 50 ms, so that a spinning thread that parks for a moment (to take a contended lock) does not count.
     * Fails if the call returned or threw instead. A call that keeps running (a busy wait) is not an error
     * here: this returns false for it at the limit.
     */
    public boolean parks(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        long parkedSince = -1;
        while (System.nanoTime() < deadline) {
            Thread.State s = thread.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                if (parkedSince < 0) parkedSince = System.nanoTime();
                if (System.nanoTime() - parkedSince >= STEADY_NANOS) return true;
            } else {
                parkedSince = -1;
            }
            if (s == Thread.State.TERMINATED) {
                Throwable e = failure.get();
                if (e != null && Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
                Object r = result.get();
                throw new AssertionError(what + " should have waited, but it "
                        + (e == null ? "returned" + (r == null ? " at once" : " " + r) : Evidence.describe(e)));
            }
            sleepQuietly(1);
        }
        return false;
    }

    private static final long STEADY_NANOS = 50_000_000L;

    /**
     * Looks at how the call waits while it should wait, for as long as it takes, for threads or tasks it started (the
     * test holds one of them): whether it waits with a time limit, which gives up when the time is up though the
     * work still runs, or wakes up when the time is up only to wait again (a poll). Any timed wait counts: the JDK's
     * timed waits for other threads ({@code Thread.join(millis)} or {@code join(Duration)},
     * {@code ExecutorService.awaitTermination}, a timed {@code Future.get}, {@code CountDownLatch.await} or
     * {@code invokeAll}) and every other one ({@code Object.wait(millis)}, a {@code Semaphore}'s timed
     * {@code tryAcquire}, a timed {@code Condition.await}, a queue's timed {@code poll}, {@code LockSupport.parkNanos},
     * ...). Two are not judged here: {@code ExecutorService.close()}, which waits in {@code awaitTermination(1 day)}
     * again and again until the executor has terminated, that is, for ever; and {@code Thread.sleep}, which waits for
     * nothing and so is a poll whatever its length: {@link #pollsOrSpins} judges it.
     *
     * <p>Looks about every millisecond, up to {@code limit}, until the call has returned, or has been parked
     * (WAITING or TIMED_WAITING) for 50 ms on end, or was seen 3 times in a row TIMED_WAITING (before and
     * after the look at its stack) in one of those waits, found among the JDK frames on top of its stack (twice in a
     * row, when the 50 ms were over by the second look: the looking thread may itself wait that long for a core). The same
     * waits with no time limit are WAITING and are not judged here.
     *
     * @return the wait and where ("ExecutorService.awaitTermination, at Parallel.runAll (line 9 of your solution
     *     cell)", or just the wait when no frame of the learner's is on the stack) if it waited with a time limit,
     *     else null
     */
    public String waitsWithTimeLimit(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos(), parkedSince = -1;
        int timedLooks = 0;
        while (thread.isAlive() && System.nanoTime() < deadline) {
            Thread.State before = thread.getState();
            StackTraceElement[] stack = thread.getStackTrace();
            Thread.State after = thread.getState();
            boolean parked = (before == Thread.State.WAITING || before == Thread.State.TIMED_WAITING) && after == before;
            if (!parked) {
                parkedSince = -1;
                timedLooks = 0;
            } else {
                if (parkedSince < 0) parkedSince = System.nanoTime();
                String wait = before == Thread.State.TIMED_WAITING ? timedWait(stack) : null;
                timedLooks = wait != null ? timedLooks + 1 : 0;
                // 3 looks in a row in a timed wait; or 2 when the looks were far apart: this thread, descheduled
                // on a busy machine, may look again only after the steady window, and must still judge the wait it saw
                boolean steady = System.nanoTime() - parkedSince >= STEADY_NANOS;
                if (timedLooks >= 3 || steady && timedLooks >= 2) {
                    String at = Evidence.where(stack);
                    return at == null ? wait : wait + ", at " + at;
                }
                if (steady) return null;
            }
            sleepQuietly(1);
        }
        return null;
    }

    /**
     * The timed wait named by the JDK frames on top of {@code stack} (see {@link #waitsWithTimeLimit}): the outermost
     * JDK wait for other threads, by the name a learner calls it ("Thread.join", "Future.get"), else the outermost JDK call
     * ("Object.wait", "Semaphore.tryAcquire"); or null: no JDK frame on top, or a wait inside {@code close()} or
     * {@code Thread.sleep}. The caller knows the thread is TIMED_WAITING.
     */
    static String timedWait(StackTraceElement[] stack) {
        String known = null, outer = null;
        for (StackTraceElement e : stack) {
            String c = e.getClassName(), m = e.getMethodName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) break;
            if (m.equals("close")) return null;  // ExecutorService.close: it waits until the executor has terminated
            if (c.equals("java.lang.Thread") && m.startsWith("sleep")) return null; // a poll: pollsOrSpins judges it
            outer = name(c) + "." + m.replaceFirst("0$", "");
            // the outermost known wait names it: a virtual thread's timed join waits in a CountDownLatch inside
            if (c.equals("java.lang.Thread") && m.equals("join")) known = "Thread.join";
            else if (m.equals("awaitTermination")) known = "ExecutorService.awaitTermination";
            else if (m.equals("invokeAll")) known = "ExecutorService.invokeAll";
            else if (m.equals("get") && (c.equals("java.util.concurrent.FutureTask")
                    || c.equals("java.util.concurrent.CompletableFuture"))) known = "Future.get";
            else if (c.equals("java.util.concurrent.CountDownLatch") && m.equals("await")) known = "CountDownLatch.await";
        }
        return known != null ? known : outer;
    }

    /** How many waits a thread parked in one untimed wait may begin over {@link #POLL_WINDOW} (see {@link #pollsOrSpins}). */
    public static final int POLL_WAITS = 5;

    /** The least wall time over which {@link #pollsOrSpins} counts the waits a thread begins. */
    public static final Duration POLL_WINDOW = Duration.ofMillis(1500);

    /**
     * Judges how {@code thread} waits while it should be parked in one untimed wait ({@code join()}, {@code take()},
     * a latch's {@code await()}) for something the test holds: whether it spins or polls instead. Three looks, each
     * of which catches a kind of busy waiting the others may miss:
     * <ol>
     *   <li>while the calling thread does 300 ms of CPU work of its own ({@link #watchWhileWorking}): a thread that
     *       spins (a loop on {@code isAlive()}, with {@code Thread.onSpinWait()} or not) is RUNNABLE in more than
     *       half of the looks, or uses a tenth of that CPU time or more ({@link Watch#spins});</li>
     *   <li>20 looks at its stack, 2 ms apart: a thread in a loop with a sleep is in {@code Thread.sleep} in more
     *       than 10 of them;</li>
     *   <li>how many waits it began ({@link #waitedCount}) over at least {@link #POLL_WINDOW} from the start of the
     *       first look: a loop with a short sleep or a timed wait in it begins one per turn, more than
     *       {@link #POLL_WAITS}; a thread parked in one untimed wait begins none.</li>
     * </ol>
     * Call it once the thread has settled into its wait (see {@link #parks}), and release what it waits for only
     * after this returns. It takes at least {@link #POLL_WINDOW} of wall time.
     *
     * @param thread a platform thread that should be waiting, untimed, meanwhile
     * @return null if it waited; else what it did, in words ("it was RUNNABLE ... in 150 of 150 samples ..."), to be
     *     followed by advice in the caller's terms
     */
    public static String pollsOrSpins(Thread thread) {
        long waitedBefore = waitedCount(thread), windowStart = System.nanoTime();
        Watch seen = watchWhileWorking(thread, Duration.ofMillis(300));
        int looks = 20, sleeping = 0;
        for (int i = 0; i < looks; i++) {
            if (sleeps(thread)) sleeping++;
            sleepQuietly(2); // spaces the looks
        }
        long left = POLL_WINDOW.toNanos() - (System.nanoTime() - windowStart);
        if (left > 0) sleepQuietly(Math.max(1, left / 1_000_000));
        long waitedAfter = waitedCount(thread), window = (System.nanoTime() - windowStart) / 1_000_000;
        long waited = waitedBefore < 0 || waitedAfter < 0 ? -1 : waitedAfter - waitedBefore;
        if (seen.spins()) return "it kept running: " + seen.describe();
        if (sleeping * 2 > looks) {
            return "it was in Thread.sleep in " + sleeping + " of " + looks + " looks at its stack: it polls, a loop with"
                    + " a sleep";
        }
        if (waited > POLL_WAITS) {
            return "it began " + waited + " waits in " + window + " ms (a thread in one untimed wait begins one, and is"
                    + " not woken until what it waits for happens, and nothing happened): it polls, a loop with a sleep"
                    + " or a timed wait";
        }
        return null;
    }

    /**
     * What a watched thread did during a window of wall time: the CPU time it used, and in how many of the
     * samples its state was RUNNABLE; and, when the watching thread did CPU work of its own meanwhile (see
     * {@link #watchWhileWorking}), how much CPU time that work took.
     *
     * <p>Both CPU time and RUNNABLE samples are needed on a busy machine: a spinning thread may get little CPU
     * when other processes compete for the cores, but it stays RUNNABLE (ready to run) all the time, while a
     * thread that really waits is WAITING or TIMED_WAITING in almost every sample. And a thread that keeps
     * waking up (a short sleep in a loop) is seldom caught RUNNABLE, but its CPU time adds up.
     *
     * @param window the wall time watched
     * @param cpu the CPU time the watched thread used in it (zero if it could not be measured)
     * @param samples how many times its state was looked at
     * @param runnable in how many of those looks it was RUNNABLE
     * @param work the CPU time the watching thread spent in work of its own meanwhile, or zero if it slept
     *     between its looks
     */
    public record Watch(Duration window, Duration cpu, int samples, int runnable, Duration work) {
        /**
         * The least work of the watcher over which {@link #spins} judges: a thread that wakes and returns just after
         * the watch began may have used a millisecond of CPU while the watcher worked less, and has not spun.
         */
        public static final Duration LEAST_WORK = Duration.ofMillis(50);

        /** A watch during which the watching thread slept between its looks. */
        public Watch(Duration window, Duration cpu, int samples, int runnable) {
            this(window, cpu, samples, runnable, Duration.ZERO);
        }

        /** The share of samples in which the thread was RUNNABLE, from 0 to 1. */
        public double runnableShare() {
            return samples == 0 ? 0 : (double) runnable / samples;
        }

        /**
         * Whether it kept running instead of waiting: RUNNABLE in more than half the samples, or CPU time of
         * a tenth of the watcher's own {@link #work} or more (when it worked), else more than a fifth of the
         * window. A watch during which the watcher worked less than {@link #LEAST_WORK} (the thread ended soon after
         * it began, see {@link Waiting#watchWhileWorking}) is too short to judge: it does not spin.
         */
        public boolean spins() {
            if (!work.isZero() && work.compareTo(LEAST_WORK) < 0) return false;
            if (runnableShare() > 0.5) return true;
            return work.isZero() ? cpu.toNanos() > window.toNanos() / 5 : cpu.toNanos() * 10 >= work.toNanos();
        }

        /**
         * "it was RUNNABLE (running, or ready to run) in 250 of 250 samples over 500 ms and used 480 ms of
         * CPU", and when the watcher worked, "..., while the test used 300 ms of CPU in work of its own".
         */
        public String describe() {
            return "it was RUNNABLE (running, or ready to run) in " + runnable + " of " + samples + " samples over "
                    + window.toMillis() + " ms and used " + cpu.toMillis() + " ms of CPU"
                    + (work.isZero() ? "" : ", while the test used " + work.toMillis() + " ms of CPU in work of its own");
        }
    }

    /** Watches the call's thread for {@code window} (see {@link Watch}). */
    public Watch watch(Duration window) {
        long before = MX.getThreadCpuTime(thread.threadId());
        long end = System.nanoTime() + window.toNanos();
        int samples = 0, runnable = 0;
        while (System.nanoTime() < end) {
            Thread.State s = thread.getState();
            if (s == Thread.State.TERMINATED) break;
            samples++;
            if (s == Thread.State.RUNNABLE) runnable++;
            sleepQuietly(2);
        }
        long after = MX.getThreadCpuTime(thread.threadId());
        Duration cpu = before < 0 || after < 0 ? Duration.ZERO : Duration.ofNanos(after - before);
        return new Watch(window, cpu, samples, runnable);
    }

    /**
     * Watches {@code thread}, any platform thread (one this class started or not), while the calling thread
     * does {@code work} of CPU work of its own: in steps of about a millisecond of CPU, with a look at
     * {@code thread}'s state and CPU time after each step. Returns once the work is done, however long that takes in
     * wall time, or as soon as {@code thread} is seen to have ended: the window then ends with it, and its CPU time is
     * the last one read while it was alive (after the step before its end). A thread that ended before the first look
     * gives an empty watch: no samples, no CPU time, and the little work done.
     *
     * <p>Why the watcher works instead of sleeping: a thread that waits uses no CPU however busy the
     * machine is, while one that spins gets a share of the cores like the watcher's own work does. So its
     * CPU time is compared with the watcher's ({@link Watch#spins}: a tenth of it), a measure that holds
     * on a quiet machine and on one whose cores other processes keep busy, with 1 processor or 16.
     *
     * <p>For a thread that should use no CPU at all while it waits (parked in {@code join}, {@code get},
     * {@code acquire}). A thread that rightly does a little work at intervals of wall time (a look every
     * 100 ms) uses CPU in proportion to the wall time, which a busy machine stretches far beyond the
     * watcher's work: watch it over a window of wall time instead ({@link #watch}), or judge this watch's CPU
     * time against its {@link Watch#window}.
     *
     * @param thread the platform thread expected to wait meanwhile
     * @param work how much of its own CPU time the calling thread spends, at most
     * @return what {@code thread} did, with {@link Watch#work} the CPU time the work took and
     *     {@link Watch#window} the wall time, both up to the thread's end if it ended first
     */
    public static Watch watchWhileWorking(Thread thread, Duration work) {
        if (thread.isVirtual()) throw new IllegalArgumentException("a virtual thread has no CPU time of its own to watch: " + thread);
        long id = thread.threadId(), goal = work.toNanos();
        long before = MX.getThreadCpuTime(id), start = MX.getCurrentThreadCpuTime(), wallStart = System.nanoTime();
        long last = before; // the thread's CPU time at the last look that saw it alive; -1 when none did
        int samples = 0, runnable = 0;
        long sink = 0;
        while (before >= 0 && MX.getCurrentThreadCpuTime() - start < goal) {
            for (int i = 0; i < 200_000; i++) sink += i * 31L ^ sink >>> 3;
            Thread.State state = thread.getState();
            long cpu = MX.getThreadCpuTime(id); // read after the state: a thread seen alive had this much or more
            if (state == Thread.State.TERMINATED || cpu < 0) break;
            last = cpu;
            samples++;
            if (state == Thread.State.RUNNABLE) runnable++;
        }
        long spent = MX.getCurrentThreadCpuTime() - start;
        Duration window = Duration.ofNanos(System.nanoTime() - wallStart);
        if (sink == 42) samples++; // keeps the work from being optimised away
        Duration cpu = before < 0 ? Duration.ZERO : Duration.ofNanos(last - before);
        return new Watch(window, cpu, samples, runnable, Duration.ofNanos(spent));
    }

    /** In words, where the thread waits now: "Condition.await", "Object.wait", "Thread.sleep", ... */
    public String waitsIn() {
        return waitKind(thread.getStackTrace());
    }

    /**
     * Returns how many times {@code thread} has begun to wait since it started: each entry into WAITING or
     * TIMED_WAITING ({@code LockSupport.park}, and so every {@code java.util.concurrent} wait;
     * {@code Object.wait}; {@code Thread.sleep}; {@code Thread.join}) adds one, as
     * {@link ThreadInfo#getWaitedCount} counts. A thread parked once, in one untimed or long timed wait,
     * adds one in all, however long it waits; one that polls (a short sleep or timed wait in a loop) adds
     * one per turn of its loop. So the difference of two calls says how often a thread woke up and waited
     * again in between.
     *
     * <p>The value is a snapshot, racy by nature: the thread may begin another wait as soon as this returns.
     * A difference of two calls bounds the waits begun between them, not the waits of an exact window of
     * time; and JDK code itself may park more than once per call (a contended lock taken on the way), so a
     * check should allow a few waits, not demand exactly one.
     *
     * @param thread any platform thread (one this class started, or not)
     * @return the number of waits begun so far, or -1 if {@code thread} is not alive (not yet started, or
     *     ended), so that a difference taken across its end cannot be mistaken for a count
     */
    public static long waitedCount(Thread thread) {
        ThreadInfo i = MX.getThreadInfo(thread.threadId());
        return i == null ? -1 : i.getWaitedCount();
    }

    /**
     * Returns whether {@code thread} is in {@code Thread.sleep} now: whether any frame of its stack is
     * {@code Thread.sleep} (or a JDK method of {@code Thread} whose name begins with "sleep"), whether the
     * program called it directly or through {@code TimeUnit.sleep}. A thread parked in a
     * {@code java.util.concurrent} wait, in {@code Object.wait} or in {@code LockSupport.parkNanos} is not
     * in {@code Thread.sleep}.
     *
     * <p>This looks at the stack once ({@link Thread#getStackTrace}), so it is racy: a thread that sleeps
     * a millisecond at a time is caught only in some of many looks; a check samples repeatedly and counts.
     * Broader than {@code waitsIn().equals("Thread.sleep")}, which names only the outermost JDK call
     * ("TimeUnit.sleep" when the program slept through a {@code TimeUnit}).
     *
     * @param thread any thread (one this class started, or not)
     * @return true if a frame of its stack is in {@code Thread.sleep}; false if none is, or if
     *     {@code thread} is not alive (its stack is empty)
     */
    public static boolean sleeps(Thread thread) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().equals("java.lang.Thread") && e.getMethodName().startsWith("sleep")) return true;
        }
        return false;
    }

    /**
     * Returns whether {@code thread} is now in {@code Object.wait} with a time limit: TIMED_WAITING, with
     * {@code Object.wait} (or {@code TimeUnit.timedWait}, which calls it) the outermost JDK frame on top of its stack (a wait the program called itself, not one inside
     * a JDK method such as {@code Thread.join}). Where the exercise's synchronizer never notifies the program's own
     * monitor, such a wait ends only by its time: a poll.
     *
     * <p>Racy, as {@link #sleeps} is: a check samples repeatedly and counts.
     *
     * @param thread any thread (one this class started, or not)
     * @return true if it waits in its own timed {@code Object.wait}
     */
    public static boolean waitsOnMonitorTimed(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) return false;
        StackTraceElement[] stack = thread.getStackTrace();
        String outer = null;
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) break;
            outer = c + "." + e.getMethodName();
        }
        // TimeUnit.timedWait(monitor, n) is Object.wait(monitor, ms) by another name
        return outer != null && (outer.startsWith("java.lang.Object.wait") || outer.equals("java.util.concurrent.TimeUnit.timedWait"))
                && thread.getState() == Thread.State.TIMED_WAITING;
    }

    /**
     * Returns whether {@code thread} is now in a timed {@code LockSupport.parkNanos} or {@code parkUntil} of its
     * own: TIMED_WAITING, parked on no {@code java.util.concurrent} synchronizer ({@code LockSupport.getBlocker}
     * is null, or an object of the program's own), so that nothing but the time cuts the wait short. A timed
     * wait in a semaphore, a lock or its Condition, a queue or a latch, or in {@code Object.wait} or
     * {@code Thread.sleep}, is not one.
     *
     * <p>Racy, as {@link #sleeps} is: a check samples repeatedly and counts.
     *
     * @param thread any thread (one this class started, or not)
     * @return true if it is parked, timed, on no synchronizer of {@code java.util.concurrent}
     */
    public static boolean parksBare(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) return false;
        Object b = java.util.concurrent.locks.LockSupport.getBlocker(thread);
        if (b != null && b.getClass().getName().startsWith("java.util.concurrent.")) return false;
        return waitKind(thread.getStackTrace()).startsWith("LockSupport.park");
    }

    /**
     * Returns the kind of a {@code java.util.concurrent} synchronizer in words, as {@link #waitsIn} names
     * the class of a call: "Condition" for a lock's condition ({@code AbstractQueuedSynchronizer}'s
     * {@code ConditionObject}), else the simple name of the outermost class, so that the inner
     * {@code Sync} of a {@code Semaphore} or a {@code ReentrantLock}, which {@code LockSupport.getBlocker}
     * gives for a thread parked in one, is "Semaphore" or "ReentrantLock".
     *
     * @param blocker a synchronizer, typically {@code LockSupport.getBlocker(thread)}; not null
     * @return its kind: "Condition", "Semaphore", "ReentrantLock", "CountDownLatch", ...
     */
    public static String kind(Object blocker) {
        return name(blocker.getClass().getName());
    }

    /** Whether the thread waits in {@code Condition.await} (a {@code ReentrantLock}'s condition). */
    public boolean waitsOnCondition() {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().endsWith("$ConditionObject") && e.getMethodName().startsWith("await")) return true;
        }
        return false;
    }

    /**
     * Waits up to {@code limit} for the call to return, and gives its value.
     *
     * @throws AssertionError when it is still waiting at the limit (with where it waits), or threw
     */
    public Object returns(Duration limit) {
        try {
            thread.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the check was interrupted");
        }
        if (thread.isAlive()) {
            throw new AssertionError(what + " did not return within " + Liveness.seconds(limit) + ": at the end it "
                    + Hang.doing(thread).replaceFirst("^is ", "was still ") + ".");
        }
        Throwable e = failure.get();
        if (e != null) {
            if (Evidence.notDone(e)) throw new UnsupportedOperationException(Evidence.NOT_DONE, e);
            throw new AssertionError(what + ": " + Evidence.describe(e), e);
        }
        return result.get();
    }

    /**
     * Interrupts the call once it has parked (or after 2 s, for a call that never parks: a busy wait is interrupted
     * all the same) and expects it to end within 2 s by throwing {@link InterruptedException}.
     *
     * @param howToStop  said when the call is still running 2 s after the interrupt: how the code should let the
     *                   interrupt end it
     * @param whyNot     said when the call returned instead, given what it returned: why a return is wrong here
     * @throws AssertionError when the call did not stop, returned, or threw another exception
     */
    public void endsWhenInterrupted(String howToStop, java.util.function.Function<Object, String> whyNot)
            throws InterruptedException {
        parks(Duration.ofSeconds(2));
        thread.interrupt();
        if (!thread.join(Duration.ofSeconds(2))) {
            throw new AssertionError(what + " was interrupted and did not stop: 2 s later it " + Hang.doing(thread) + ". "
                    + howToStop);
        }
        Object got;
        try {
            got = returns(Duration.ZERO);
        } catch (AssertionError e) {
            if (e.getCause() instanceof InterruptedException) return;
            throw e;
        }
        throw new AssertionError(what + " was interrupted and returned " + whyNot.apply(got));
    }

    /** Whether the call has returned or thrown. */
    public boolean done() {
        return !thread.isAlive();
    }

    /**
     * Where {@code thread} waits with a time limit, in {@link #waitKind} words ("CountDownLatch.await",
     * "Object.wait", "LockSupport.parkNanos", "ExecutorCompletionService.poll"), or null when it is not in a timed
     * wait (TIMED_WAITING) now. A check that holds back whatever could end a wait, and sees the thread in timed waits
     * that it begins again and again, knows that only their time limits woke it: it polls. Racy: sample and count.
     */
    public static String timedWaitIn(Thread thread) {
        if (thread.getState() != Thread.State.TIMED_WAITING) return null;
        return waitKind(thread.getStackTrace());
    }

    /**
     * The JDK method through which a waiting thread waits, in words: the outermost JDK frame above the
     * first frame of other code, the call the program made ("ArrayBlockingQueue.take", "Condition.await",
     * "Thread.sleep", "Object.wait", ...).
     */
    static String waitKind(StackTraceElement[] stack) {
        String kind = null;
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            boolean jdk = c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.");
            if (!jdk) break;
            kind = name(c) + "." + e.getMethodName().replaceFirst("0$", "");
        }
        return kind == null ? "LockSupport.park" : kind;
    }

    private static String name(String className) {
        if (className.endsWith("$ConditionObject")) return "Condition";
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int inner = simple.indexOf('$');
        return inner < 0 ? simple : simple.substring(0, inner);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
