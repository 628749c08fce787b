package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/** What HeldLocks holds is held while the step runs, and let go after it, also when the step throws. */
class HeldLocksTest {
    static class Base {
        final ReentrantLock inherited = new ReentrantLock();
    }

    static final class Guarded extends Base {
        final ReentrantLock lock = new ReentrantLock();
        final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        static final ReentrantLock STATIC = new ReentrantLock(); // not an instance's lock: left out
        final Object monitor = new Object();                     // not a Lock: left out
    }

    @Test
    void locksInFindsEachLockAndEachWriteLockOfTheInstanceAndItsSuperclasses() {
        Guarded g = new Guarded();
        List<Lock> locks = HeldLocks.locksIn(g);
        assertEquals(List.of(g.lock, g.rw.writeLock(), g.inherited), locks);
    }

    @Test
    void holdTakesEveryLockUntilClosedAndLetsGoOnAThrow() {
        Guarded g = new Guarded();
        List<Lock> locks = HeldLocks.locksIn(g);
        try (HeldLocks.Held held = HeldLocks.hold(locks)) {
            assertTrue(g.lock.isHeldByCurrentThread() && g.rw.isWriteLockedByCurrentThread() && g.inherited.isHeldByCurrentThread());
            throw new IllegalStateException("the step fails");
        } catch (IllegalStateException expected) {
            // let go below
        }
        assertFalse(g.lock.isLocked() || g.rw.isWriteLocked() || g.inherited.isLocked());
    }

    @Test
    void holdingAGuardTakesItTheWayItGuards() throws Exception {
        Object monitor = new Object();
        assertTrue(HeldLocks.holding(monitor, Duration.ZERO, () -> assertTrue(Thread.holdsLock(monitor))));
        assertFalse(Thread.holdsLock(monitor));

        ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
        assertTrue(HeldLocks.holding(rw, Duration.ZERO, () -> assertTrue(rw.isWriteLockedByCurrentThread())));
        assertFalse(rw.isWriteLocked());

        Semaphore one = new Semaphore(1);
        assertTrue(HeldLocks.holding(one, Duration.ZERO, () -> assertEquals(0, one.availablePermits())));
        assertEquals(1, one.availablePermits());

        Semaphore none = new Semaphore(0);
        assertFalse(HeldLocks.holding(none, Duration.ZERO, () -> { throw new AssertionError("ran without a permit"); }));
    }

    @Test
    void aLockKeptByAnotherThreadIsNotWaitedForBeyondThePatience() throws Exception {
        ReentrantLock kept = new ReentrantLock();
        Object monitor = new Object();
        CountDownLatch taken = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread keeper = Thread.ofPlatform().start(() -> {
            kept.lock();
            try {
                taken.countDown();
                done.await();
            } catch (InterruptedException e) {
                // ends the test
            } finally {
                kept.unlock();
            }
        });
        try {
            taken.await();
            assertFalse(HeldLocks.holding(kept, Duration.ofMillis(10), () -> { throw new AssertionError("ran without the lock"); }));
            boolean[] ran = new boolean[1];
            HeldLocks.holdingAll(List.of(monitor, kept), Duration.ofMillis(10), () -> {
                ran[0] = Thread.holdsLock(monitor) && Thread.holdsLock(kept) && !kept.isHeldByCurrentThread();
            });
            assertTrue(ran[0], "the monitors held, the lock kept elsewhere left out");
        } finally {
            done.countDown();
            keeper.join();
        }
        assertFalse(Thread.holdsLock(monitor));
    }

    @Test
    void holdingAllTakesMonitorsAndLocksAndLetsGoOfThemAll() throws Exception {
        Guarded g = new Guarded();
        HeldLocks.holdingAll(List.of(g, g.lock, g.rw), Duration.ofSeconds(1), () -> {
            assertTrue(Thread.holdsLock(g) && Thread.holdsLock(g.lock) && g.lock.isHeldByCurrentThread()
                    && g.rw.isWriteLockedByCurrentThread());
        });
        assertFalse(Thread.holdsLock(g) || g.lock.isLocked() || g.rw.isWriteLocked());
    }

    /**
     * A StampedLock is held by its write lock: a writer and a reader with a stamp wait for it while the step runs, an
     * optimistic read does not validate, and it is free again after.
     */
    @Test
    void aStampedLockIsHeldByItsWriteLock() throws Exception {
        java.util.concurrent.locks.StampedLock sl = new java.util.concurrent.locks.StampedLock();
        assertTrue(HeldLocks.holding(sl, Duration.ZERO, () -> {
            assertTrue(sl.isWriteLocked());
            assertEquals(0, sl.tryOptimisticRead(), "no optimistic read while it is held");
            assertEquals(0, sl.tryReadLock(), "no read lock either");
        }));
        assertFalse(sl.isWriteLocked() || sl.isReadLocked());
        final class WithStamped {
            final java.util.concurrent.locks.StampedLock lock = new java.util.concurrent.locks.StampedLock();
        }
        WithStamped w = new WithStamped();
        List<Lock> locks = HeldLocks.locksIn(w);
        assertEquals(1, locks.size(), locks.toString());
        try (HeldLocks.Held held = HeldLocks.hold(locks)) {
            assertTrue(w.lock.isWriteLocked());
        }
        assertFalse(w.lock.isWriteLocked());
    }
}
