package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextSwitches} on Linux: a thread is found by its name cut to 15 characters, and each time it blocks and
 * is woken its count grows. The thread blocks on a semaphore; the test releases it only once it is seen WAITING
 * (a bounded loop on its state), so each release is one wake-up of a sleeping thread, never a sleep of the test.
 * And the kernel's state of a thread tells a runnable one from one asleep, which {@link Idle} relies on.
 */
class ContextSwitchesTest {
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void aThreadIsFoundByItsNameCutTo15CharactersAndEachWakeUpIsCounted() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        Semaphore go = new Semaphore(0);
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger taken = new AtomicInteger();
        int rounds = 5;
        Thread t = Thread.ofPlatform().daemon().name("switches-probe-sleeper").start(() -> {
            running.countDown();
            for (int i = 0; i < rounds; i++) {
                go.acquireUninterruptibly();
                taken.incrementAndGet();
            }
        });
        try {
            assertTrue(running.await(10, TimeUnit.SECONDS));
            untilWaiting(t);
            Path task = ContextSwitches.task("switches-probe-sleeper");
            assertNotNull(task, "found by the first 15 characters of its name (\"switches-probe-\")");
            assertEquals(task, ContextSwitches.task("switches-probe-"));
            long before = ContextSwitches.of(task);
            long sumBefore = ContextSwitches.sum(name -> name.equals("switches-probe-"));
            assertTrue(before >= 0, "a count: " + before);
            assertEquals(before, sumBefore, "the only thread of that name");
            for (int i = 1; i < rounds; i++) {
                go.release();
                untilTakenAndWaitingAgain(t, taken, i); // one wake-up, then one more block
            }
            // The kernel counts a block when the thread leaves the CPU, a moment after Java calls it WAITING.
            long end = System.nanoTime() + LIMIT_NANOS;
            while (ContextSwitches.of(task) - before < rounds - 1 && System.nanoTime() < end) Thread.onSpinWait();
            long after = ContextSwitches.of(task);
            assertTrue(after - before >= rounds - 1, "each of " + (rounds - 1) + " blocks counted: " + before + " then " + after);
            go.release();
            t.join(10_000);
            // The native thread leaves /proc a moment after join returns, as it exits after waking its joiners.
            long gone = System.nanoTime() + LIMIT_NANOS;
            while (ContextSwitches.of(task) != -1 && System.nanoTime() < gone) Thread.onSpinWait();
            assertEquals(-1, ContextSwitches.of(task), "an ended thread counts -1");
        } finally {
            go.release(rounds);
        }
    }

    @Test
    void nothingIsFoundForANameNoThreadHasAndNullCountsMinusOne() {
        assertNull(ContextSwitches.task("no-such-thread"));
        assertEquals(-1, ContextSwitches.of(null));
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assertEquals(0, ContextSwitches.sum(name -> false));
        Path self = ContextSwitches.currentTask();
        assertNotNull(self);
        assertTrue(ContextSwitches.of(self) >= 0);
    }

    /**
     * The kernel has a spinning thread runnable and a blocked one asleep; {@link Idle#settle} returns for the blocked
     * one, and waits its 2 s out for the spinning one (whose CPU time grows meanwhile).
     */
    @Test
    void aSpinningThreadIsRunnableAndNeverSettlesABlockedOneSleepsAndSettles() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        assertFalse(ContextSwitches.runnable(null), "off Linux, or no task: not known to be runnable");
        CountDownLatch release = new CountDownLatch(1), started = new CountDownLatch(2);
        java.util.concurrent.atomic.AtomicReference<Path> blockedTask = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<Path> spinningTask = new java.util.concurrent.atomic.AtomicReference<>();
        Thread blocked = Thread.ofPlatform().daemon().start(() -> {
            blockedTask.set(ContextSwitches.currentTask());
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread spinning = Thread.ofPlatform().daemon().start(() -> {
            spinningTask.set(ContextSwitches.currentTask());
            started.countDown();
            while (release.getCount() > 0) Thread.onSpinWait();
        });
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS));
            untilWaiting(blocked);
            // Java calls it WAITING a moment before the kernel has it asleep
            long end = System.nanoTime() + LIMIT_NANOS;
            while (ContextSwitches.runnable(blockedTask.get()) && System.nanoTime() < end) Thread.onSpinWait();
            assertFalse(ContextSwitches.runnable(blockedTask.get()), "blocked on a latch: asleep");
            // A spinning thread is running or ready to run, but stops at each of the JVM's safepoints (a GC, say), asleep
            // in a futex for a moment: one look can find it asleep (it did, once, under load). Look until it is seen
            // runnable (bounded): a thread that never runs would never be.
            end = System.nanoTime() + LIMIT_NANOS;
            boolean seenRunnable;
            while (!(seenRunnable = ContextSwitches.runnable(spinningTask.get())) && System.nanoTime() < end) Thread.onSpinWait();
            assertTrue(seenRunnable, "spinning: running or ready to run");
            Idle.settle(blocked, blockedTask.get());
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(spinning.threadId()), t0 = System.nanoTime();
            Idle.settle(spinning, spinningTask.get());
            long waited = System.nanoTime() - t0, spun = mx.getThreadCpuTime(spinning.threadId()) - cpu0;
            assertTrue(waited >= 2_000_000_000L, "a spinning thread is never idle: the wait ends at its bound, after " + waited / 1_000_000 + " ms");
            assertTrue(spun > 0, "it spun meanwhile");
        } finally {
            release.countDown();
        }
    }

    /** Waits (bounded) until {@code t} is WAITING: blocked in acquire. */
    private static void untilWaiting(Thread t) {
        long end = System.nanoTime() + LIMIT_NANOS;
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < end, "the thread never blocked: " + t.getState());
            Thread.onSpinWait();
        }
    }

    /** Waits (bounded) until {@code t} has taken {@code permits} permits in all and is WAITING again. */
    private static void untilTakenAndWaitingAgain(Thread t, AtomicInteger taken, int permits) {
        long end = System.nanoTime() + LIMIT_NANOS;
        while (taken.get() < permits || t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < end, "the thread was not woken, or never blocked again: " + t.getState());
            Thread.onSpinWait();
        }
    }
}
