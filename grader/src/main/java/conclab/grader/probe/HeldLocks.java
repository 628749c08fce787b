package conclab.grader.probe;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * Runs a step of a test while the test's thread holds a learner's locks, so that the locks, not timing, order the
 * learner's threads around that step: a thread that asks for a held lock waits until the step is over, and whatever
 * it would have done in between cannot happen in between.
 *
 * <p>An object is held the way a class guards its state with it: a {@code ReadWriteLock} by its write lock, a
 * {@code StampedLock} by its write lock too (as {@code asWriteLock()}: a read with {@code readLock()}, or an optimistic
 * read that validates and falls back to it, then waits), a {@code Lock} by itself, a {@code Semaphore} by all its
 * permits (a semaphore of one used as a lock), anything else by its monitor (a {@code synchronized} block on it). Locks taken are let go in the reverse order, also when the step
 * throws.
 *
 * <p>Stateless; any thread. The step runs on the calling thread, which owns what is held; the locks are reentrant for
 * it, so the step may call the learner's methods that take them.
 */
public final class HeldLocks {
    private HeldLocks() {}

    /** A step run while locks are held. */
    public interface Step {
        void run() throws Exception;
    }

    /**
     * The locks in {@code o}'s instance fields, declared by its class and by its superclasses up to the first JDK
     * class: each {@code Lock}, and each {@code ReadWriteLock}'s or {@code StampedLock}'s write lock, in field order. A field that cannot be
     * read is left out.
     */
    public static List<Lock> locksIn(Object o) {
        List<Lock> locks = new ArrayList<>();
        for (Class<?> c = o.getClass(); c != null && !c.getModule().isNamed(); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || !f.trySetAccessible()) continue;
                try {
                    Object v = f.get(o);
                    if (v instanceof Lock l) locks.add(l);
                    else if (v instanceof ReadWriteLock rw) locks.add(rw.writeLock());
                    else if (v instanceof StampedLock sl) locks.add(sl.asWriteLock());
                } catch (IllegalAccessException e) {
                    // not readable: left out
                }
            }
        }
        return locks;
    }

    /** Locks held until {@link #close}, which lets them go in the reverse order. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes every one of {@code locks}, in order, waiting for each as long as it takes; for a try-with-resources block,
     * which lets them go.
     */
    public static Held hold(List<Lock> locks) {
        List<Lock> taken = List.copyOf(locks);
        for (Lock l : taken) l.lock();
        return () -> {
            for (Lock l : taken.reversed()) l.unlock();
        };
    }

    /**
     * Runs {@code step} holding {@code guard} as described in the class comment. Returns false, and runs nothing, when
     * the guard cannot be had: a {@code Lock} another thread keeps for {@code patience}, a {@code Semaphore} with no
     * permit free (another thread holds them all).
     */
    public static boolean holding(Object guard, Duration patience, Step step) throws Exception {
        if (guard instanceof Semaphore permits) {
            int taken = permits.drainPermits();
            if (taken == 0) return false;
            try {
                step.run();
            } finally {
                permits.release(taken);
            }
            return true;
        }
        Lock lock = lockOf(guard);
        if (lock == null) {
            synchronized (guard) {
                step.run();
            }
            return true;
        }
        if (!lock.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) return false;
        try {
            step.run();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Runs {@code step} holding the monitor of each of {@code objects} and, for a {@code Lock} or a
     * {@code ReadWriteLock} among them, that lock too (a learner may synchronize on any object, and lock any lock).
     * A lock another thread keeps for {@code patience} is left out, not waited for: it is not the learner's guard of
     * the state the step looks at if some other thread of the learner's holds it for that long.
     */
    public static void holdingAll(List<?> objects, Duration patience, Step step) throws Exception {
        holdingFrom(objects, 0, patience, step);
    }

    private static void holdingFrom(List<?> objects, int i, Duration patience, Step step) throws Exception {
        if (i == objects.size()) {
            step.run();
            return;
        }
        Object o = objects.get(i);
        Lock lock = lockOf(o);
        if (lock != null && !lock.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) lock = null;
        try {
            synchronized (o) {   // a monitor is block-structured: the rest of the objects are held inside this block
                holdingFrom(objects, i + 1, patience, step);
            }
        } finally {
            if (lock != null) lock.unlock();
        }
    }

    /**
     * The lock that guards with {@code o}: a ReadWriteLock's or a StampedLock's write lock, a Lock itself; null for
     * anything else.
     */
    private static Lock lockOf(Object o) {
        if (o instanceof StampedLock sl) return sl.asWriteLock();
        return o instanceof ReadWriteLock rw ? rw.writeLock() : o instanceof Lock l ? l : null;
    }
}
