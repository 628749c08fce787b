package conclab.grader.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a thread to have nothing left to do, before a test measures what it does while idle (its CPU time, its
 * wake-ups over a second).
 *
 * <p>Idle means: its CPU time did not grow over 50 ms, and (Linux) the kernel does not have it runnable. The second
 * half matters on a busy machine: a server whose clients just sent bytes has been woken, but the scheduler may not
 * run it for 50 ms and more; its CPU time stands still meanwhile, and without the kernel's word the wait would end
 * before the server has read, so the second measured next would include its reads. A spinning thread is never idle:
 * the wait then ends at its bound, 2 s, and the measure catches it. The class has no state.
 */
public final class Idle {
    /** The longest wait. */
    private static final long LIMIT_NANOS = 2_000_000_000L;
    /** How long the CPU time must stand still. */
    private static final long STILL_MILLIS = 50;

    private Idle() {}

    /**
     * Waits (at most 2 s) until {@code thread} is idle. {@code task} is its {@code /proc} entry
     * ({@link ContextSwitches#currentTask}, called by the thread itself), or null off Linux: then only its CPU time
     * counts.
     */
    public static void settle(Thread thread, Path task) throws InterruptedException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + LIMIT_NANOS, last = mx.getThreadCpuTime(thread.threadId());
        while (System.nanoTime() < end) {
            // a bounded wait on a latch no one counts down: the pause between two readings of the CPU time
            new CountDownLatch(1).await(STILL_MILLIS, TimeUnit.MILLISECONDS);
            long now = mx.getThreadCpuTime(thread.threadId());
            if (now == last && !ContextSwitches.runnable(task)) return;
            last = now;
        }
    }
}
