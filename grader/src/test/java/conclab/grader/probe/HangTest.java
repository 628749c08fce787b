package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** A cycle of untimed lock waits is a deadlock; one with a timed tryLock in it breaks itself and is none. */
class HangTest {
    /** Two threads take a lock each, then wait for the other's: timed (tryLock) or not (lock). */
    private static List<Thread> cross(boolean timed, ReentrantLock x, ReentrantLock y) {
        CyclicBarrier both = new CyclicBarrier(2);
        Thread a = Thread.ofPlatform().daemon().name("x then y").start(() -> take(x, y, timed, both));
        Thread b = Thread.ofPlatform().daemon().name("y then x").start(() -> take(y, x, false, both));
        return List.of(a, b);
    }

    private static void take(ReentrantLock first, ReentrantLock second, boolean timed, CyclicBarrier both) {
        first.lock();
        try {
            both.await();
            if (timed) {
                if (second.tryLock(2, TimeUnit.SECONDS)) second.unlock();
            } else {
                second.lock();
                second.unlock();
            }
        } catch (Exception e) {
            // ends the thread
        } finally {
            first.unlock();
        }
    }

    private static void untilCycle(List<Thread> threads, ReentrantLock x, ReentrantLock y) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!(x.hasQueuedThreads() && y.hasQueuedThreads()) && System.nanoTime() < end) Thread.sleep(1);
        assertTrue(x.hasQueuedThreads() && y.hasQueuedThreads(), "the two threads never waited for each other");
    }

    @Test
    void aCycleWithATimedWaitIsNoDeadlock() throws InterruptedException {
        ReentrantLock x = new ReentrantLock(), y = new ReentrantLock();
        List<Thread> threads = cross(true, x, y);
        untilCycle(threads, x, y);
        assertNull(Hang.deadlock(threads));
        Liveness.await("a cycle broken by a timeout", Duration.ofSeconds(10), threads); // breaks after 2 s
    }

    @Test
    void aCycleOfUntimedWaitsIsADeadlock() throws InterruptedException {
        ReentrantLock x = new ReentrantLock(), y = new ReentrantLock();
        List<Thread> threads = cross(false, x, y);
        untilCycle(threads, x, y);
        assertNotNull(Hang.deadlock(threads));
        long start = System.nanoTime();
        AssertionError e = assertThrows(AssertionError.class, () -> Liveness.await("a deadlock", Duration.ofSeconds(30), threads));
        assertTrue(e.getMessage().contains("a deadlock.\nDeadlock"), e.getMessage());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "the deadlock was not reported before the limit");
    }

    /** Counts {@code in} down, then waits in a frame of its own until {@code out} opens. */
    private static void parkedInFirst(CountDownLatch in, CountDownLatch out) {
        in.countDown();
        try {
            out.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void parkedInSecond(CountDownLatch in, CountDownLatch out) {
        parkedInFirst(in, out);
    }

    @Test
    void threadsInSeveralMethodsListsEachThreadOnceFromOneDump() throws InterruptedException {
        CountDownLatch in = new CountDownLatch(4), out = new CountDownLatch(1);
        List<Thread> threads = List.of(
                Thread.ofPlatform().daemon().name("hang-test first").start(() -> parkedInFirst(in, out)),
                Thread.ofVirtual().name("hang-test second").start(() -> parkedInSecond(in, out)),
                Thread.ofPlatform().daemon().name("hang-test neither").start(() -> {
                    in.countDown();
                    try {
                        out.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
        in.countDown();
        try {
            assertTrue(in.await(10, TimeUnit.SECONDS), "the threads never started");
            // Each waits in await once it has counted down; a thread counted down but not yet waiting is
            // still inside parkedInFirst, so the frames are there as soon as the latch is open.
            List<String> both = Hang.threadsIn(List.of("HangTest.parkedInFirst", "HangTest.parkedInSecond"))
                    .stream().filter(n -> n.startsWith("hang-test")).sorted().toList();
            // "hang-test second" has both frames on its stack and is listed once.
            assertEquals(List.of("hang-test first", "hang-test second"), both);
            List<String> second = Hang.threadsIn(List.of("HangTest.parkedInSecond"))
                    .stream().filter(n -> n.startsWith("hang-test")).toList();
            assertEquals(List.of("hang-test second"), second);
            assertEquals(Hang.threadsIn("HangTest.parkedInFirst").stream().filter(n -> n.startsWith("hang-test")).sorted().toList(), both);
            assertEquals(List.of(), Hang.threadsIn(List.of("HangTest.nowhere")).stream().filter(n -> n.startsWith("hang-test")).toList());
        } finally {
            out.countDown();
        }
        for (Thread t : threads) t.join(10_000);
    }
    /** Code of a class of its own, as a learner's class is: one method that waits, one that spins. */
    static final class Parker {
        static void waitHere(CountDownLatch in, CountDownLatch out) {
            in.countDown();
            try {
                out.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        static void spinHere(CountDownLatch in, java.util.concurrent.atomic.AtomicBoolean spin) {
            in.countDown();
            while (spin.get()) Thread.onSpinWait();
        }
    }

    @Test
    void aDumpTellsWhoWaitsInWhoseCode() throws InterruptedException {
        CountDownLatch in = new CountDownLatch(2), out = new CountDownLatch(1);
        var spin = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> threads = List.of(
                Thread.ofVirtual().name("hang-test waits").start(() -> Parker.waitHere(in, out)),
                Thread.ofPlatform().daemon().name("hang-test spins").start(() -> Parker.spinHere(in, spin)));
        try {
            assertTrue(in.await(10, TimeUnit.SECONDS), "the threads never started");
            // the waiting thread may not be parked yet right after its countDown: look until it is (bounded)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            Hang.DumpedThread waits, spins;
            do {
                List<Hang.DumpedThread> dump = Hang.dump();
                waits = dump.stream().filter(t -> t.name().equals("hang-test waits")).findFirst().orElseThrow();
                spins = dump.stream().filter(t -> t.name().equals("hang-test spins")).findFirst().orElseThrow();
            } while (!waits.waits() && System.nanoTime() < deadline);
            assertTrue(waits.waits(), "a thread parked in a latch waits: " + waits.stack());
            assertTrue(waits.hasFrame("HangTest$Parker.waitHere"), "waits in Parker: " + waits.stack());
            assertTrue(spins.hasFrame("HangTest$Parker.spinHere"), "spins in Parker: " + spins.stack());
            assertFalse(spins.waits(), "a spinning thread does not wait: " + spins.stack());
            assertFalse(waits.hasFrame("HangTest$Parker.spinHere"), "the waiting thread never spun: " + waits.stack());
            assertEquals(threads.get(0).threadId(), waits.id(), "a virtual thread's id: " + waits.stack());
            assertEquals(threads.get(1).threadId(), spins.id(), "a platform thread's id: " + spins.stack());
            assertEquals(-1, new Hang.DumpedThread("x", "no header\n  at A.b(A.java:1)").id());
        } finally {
            out.countDown();
            spin.set(false);
        }
        for (Thread t : threads) t.join(10_000);
    }

    /**
     * A thread that spins and parks by turns, looked at many times: a description that says it waits names the park
     * it waits in. Read apart, its stack could be taken while it spins and its state while it parks, and it was then
     * said to be "waiting in System.nanoTime".
     */
    @Test
    void aThreadIsDescribedFromOneMomentOfIt() throws InterruptedException {
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread t = Thread.ofPlatform().daemon().name("hang-test spins and parks").start(() -> {
            while (!stop.get()) {
                long end = System.nanoTime() + 100_000;
                while (System.nanoTime() < end) { } // spins for 0.1 ms
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
        });
        int waiting = 0, running = 0;
        try {
            for (int i = 0; i < 2000; i++) {
                String doing = Hang.doing(t);
                if (doing.startsWith("is waiting in")) {
                    waiting++;
                    assertTrue(doing.startsWith("is waiting in LockSupport.parkNanos"), doing);
                } else {
                    running++;
                    assertTrue(doing.startsWith("is running"), doing);
                }
            }
        } finally {
            stop.set(true);
        }
        t.join(10_000);
        // both moments were seen, so the descriptions above were judged in each of them
        assertTrue(waiting > 0 && running > 0, waiting + " looks saw it waiting, " + running + " running");
    }
}
