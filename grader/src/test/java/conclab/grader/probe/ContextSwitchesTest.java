package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
