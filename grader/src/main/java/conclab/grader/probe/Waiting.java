package conclab.grader.probe;

import java.lang.management.ManagementFactory;
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
     * What the call's thread did during a window of wall time: the CPU time it used, and in how many of the
     * samples (one every 2 ms) its state was RUNNABLE.
     *
     * <p>Both are needed on a busy machine: a spinning thread may get little CPU when other processes
     * compete for the cores, but it stays RUNNABLE (ready to run) all the time, while a thread that really
     * waits is WAITING or TIMED_WAITING in almost every sample.
     */
    public record Watch(Duration window, Duration cpu, int samples, int runnable) {
        /** The share of samples in which the thread was RUNNABLE, from 0 to 1. */
        public double runnableShare() {
            return samples == 0 ? 0 : (double) runnable / samples;
        }

        /** Whether it kept running instead of waiting: a fifth of the window's CPU, or runnable half the time. */
        public boolean spins() {
            return cpu.toNanos() > window.toNanos() / 5 || runnableShare() > 0.5;
        }

        /** "it was RUNNABLE in 250 of 250 samples over 500 ms and used 480 ms of CPU". */
        public String describe() {
            return "it was RUNNABLE (running, or ready to run) in " + runnable + " of " + samples + " samples over "
                    + window.toMillis() + " ms and used " + cpu.toMillis() + " ms of CPU";
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

    /** In words, where the thread waits now: "Condition.await", "Object.wait", "Thread.sleep", ... */
    public String waitsIn() {
        return waitKind(thread.getStackTrace());
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

    /** Whether the call has returned or thrown. */
    public boolean done() {
        return !thread.isAlive();
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
