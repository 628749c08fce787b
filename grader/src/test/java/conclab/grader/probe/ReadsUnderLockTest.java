package conclab.grader.probe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * ReadsUnderLock with a spin lock of the learner's own: an AtomicBoolean taken by compareAndSet. The probe holds it by
 * setting the flag; a read that does not spin for it is named, one that does passes, and the flag is left clear.
 */
class ReadsUnderLockTest {
    /** A counter whose increments take a spin lock; {@code guardedRead} says whether get() takes it too. */
    static final class SpinCounter {
        final AtomicBoolean busy = new AtomicBoolean();
        private long count; // guarded by busy
        private final boolean guardedRead;

        SpinCounter(boolean guardedRead) {
            this.guardedRead = guardedRead;
        }

        private void lock() {
            while (!busy.compareAndSet(false, true)) Thread.onSpinWait();
        }

        void increment() {
            lock();
            try {
                count++;
            } finally {
                busy.set(false);
            }
        }

        long get() {
            if (!guardedRead) return count;
            lock();
            try {
                return count;
            } finally {
                busy.set(false);
            }
        }
    }

    private static String missing(SpinCounter c) {
        return ReadsUnderLock.missing(c, SpinCounter.class, "increment()", () -> {
            c.increment();
            return null;
        }, "get()", c::get);
    }

    @Test
    void aReadWithoutTheSpinLockIsNamed() {
        SpinCounter c = new SpinCounter(false);
        String why = missing(c);
        assertNotNull(why, "a plain read beside increments under a spin lock must be named");
        assertTrue(why.contains("the AtomicBoolean in field busy"), why);
        assertFalse(c.busy.get(), "the probe must leave the flag clear");
        assertTrue(c.get() >= 1, "the increment ran once the probe let go");
    }

    @Test
    void aReadThatSpinsForTheLockPasses() {
        SpinCounter c = new SpinCounter(true);
        long t0 = System.nanoTime();
        assertNull(missing(c));
        // both calls were held, each for the whole patience: the flag was found, taken and waited for
        assertTrue(System.nanoTime() - t0 >= 2 * ReadsUnderLock.SPIN_PATIENCE.toNanos(), "both calls must have spun");
        assertFalse(c.busy.get(), "the probe must leave the flag clear");
    }

    /** A synchronized counter with a flag that is no lock: once it is set, increments are refused. */
    static final class ClosableCounter {
        final AtomicBoolean closed = new AtomicBoolean();
        private long count; // guarded by this

        synchronized void increment() {
            if (closed.get()) throw new IllegalStateException("closed");
            count++;
        }

        synchronized long get() {
            return count;
        }
    }

    @Test
    void aFlagThatMakesTheCallThrowIsNoLockAndFailsNothing() {
        ClosableCounter c = new ClosableCounter();
        // with closed set, increment() throws at once: not a wait, and not the learner's failure
        assertNull(ReadsUnderLock.missing(c, ClosableCounter.class, "increment()", () -> {
            c.increment();
            return null;
        }, "get()", c::get));
        assertFalse(c.closed.get(), "the probe must leave the flag clear");
    }

    @Test
    void aFlagAlreadySetIsNotTaken() {
        ClosableCounter c = new ClosableCounter();
        c.closed.set(true); // not the probe's to take: it must leave it set (increment() refuses, so nothing is judged)
        assertNull(ReadsUnderLock.missing(c, ClosableCounter.class, "increment()", () -> {
            try {
                c.increment();
            } catch (IllegalStateException refused) {
                // closed: what a closed counter does
            }
            return null;
        }, "get()", c::get));
        assertTrue(c.closed.get(), "a flag the probe did not set must stay as it was");
    }

    /** A synchronized counter with an AtomicBoolean that is no lock: a flag its increments set. */
    static final class FlaggedCounter {
        final AtomicBoolean touched = new AtomicBoolean();
        private long count; // guarded by this

        synchronized void increment() {
            touched.set(true);
            count++;
        }

        long get() {
            return count;
        }
    }

    @Test
    void anAtomicBooleanThatIsNoLockLeavesTheMonitorsVerdict() {
        FlaggedCounter c = new FlaggedCounter();
        String why = ReadsUnderLock.missing(c, FlaggedCounter.class, "increment()", () -> {
            c.increment();
            return null;
        }, "get()", c::get);
        assertNotNull(why, "a plain read beside synchronized increments must be named");
        assertTrue(why.contains("monitor"), why);
        assertFalse(why.contains("AtomicBoolean"), why);
    }
}
