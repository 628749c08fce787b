package conclab.grader.probe;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * Whether a learner's read of guarded state takes the lock its writes take. A plain field read without the lock that
 * guards its writes has no happens-before edge with them: it may return a stale value, and a thread reading in a
 * loop may never see another thread's write. Model checking (Lincheck) assumes sequentially consistent memory and
 * cannot see that; this probe looks at what the code waits for instead.
 *
 * <p>It finds the locks the write takes: it holds, one at a time, the object's monitor (synchronized on it), its
 * class's, and the lock in each of its fields (the monitor of the field's object, or a {@code Lock}, or a
 * {@code ReadWriteLock}'s or a {@code StampedLock}'s write lock), and sees whether the write waits (its thread is blocked
 * or parked on a lock the test's thread owns, as {@code ThreadInfo} reports; a {@code Semaphore} in a field is held by
 * taking all its permits, and a call waits for it when it queues for one; a {@code StampedLock}, which has no owner
 * either, when the call is parked on it; an {@code AtomicBoolean} in a field, a spin lock of the learner's own, is
 * held by setting it from false to true, and a call waits for it when it has not returned {@link #SPIN_PATIENCE}
 * later, and returns once it is false again). Then, holding such a lock, the read must wait too (for one of
 * them, when the write takes several). Nothing is judged when the write changes no plain instance field (one not
 * final and not volatile, of a primitive or boxed type: a volatile count, or an atomic one, whose field keeps the
 * same object, is not plain), or when the write takes none of these locks. A volatile or atomic field beside a plain
 * count (a flag, say) exempts nothing: the count is still read with no happens-before edge.
 *
 * <p>Stateless; any thread. Each call runs the write and the read on threads of its own, and each of them must
 * return within 5 s once the test lets go.
 */
public final class ReadsUnderLock {
    private ReadsUnderLock() {}

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /**
     * How long a call must keep running, while the test holds an {@code AtomicBoolean} set, to be said to spin for it.
     * A spinning call never returns while the flag is set, so this bounds only how long a correct check takes; a call
     * that does not spin returns in microseconds, so a second leaves it room on a loaded machine.
     */
    static final Duration SPIN_PATIENCE = Duration.ofSeconds(1);

    /**
     * Why {@code read} does not wait for a lock that {@code write} waits for, or null if it does (or if nothing can
     * be judged: see the class comment).
     *
     * @param target    the object whose state both touch
     * @param type      its class, whose fields are looked at
     * @param writeWhat the write, in words ({@code "increment()"})
     * @param readWhat  the read, in words ({@code "get()"})
     */
    public static String missing(Object target, Class<?> type, String writeWhat, Waiting.Call write, String readWhat, Waiting.Call read) {
        List<Field> plain = plainFields(type);
        if (plain.isEmpty()) return null;
        List<Object> before = values(plain, target);
        List<Guard> guards = new ArrayList<>(); // the locks the write waits for
        for (Guard g : guards(target, type)) {
            if (waitsFor(g, writeWhat, write) != null) guards.add(g);
        }
        // each write has returned (waitsFor joins its thread): a plain field it changed is state the read may read
        if (guards.isEmpty() || before.equals(values(plain, target))) return null;
        for (Guard g : guards) {
            if (waitsFor(g, readWhat, read) != null) return null;
        }
        return writeWhat + " waits while the test holds " + guards.get(0).name + (guards.size() == 1 ? ""
                : " (and " + (guards.size() - 1) + " more)") + ", but " + readWhat + " did not wait for "
                + (guards.size() == 1 ? "it" : "any of the " + guards.size() + " locks " + writeWhat + " takes") + ": it returned at once.";
    }

    /**
     * A lock the test can hold: the monitor of the object that {@code lock} gives (synchronized on it), or that
     * object itself if it is a Lock, or its write lock if it is a ReadWriteLock, or all its permits if it is a
     * Semaphore. Read anew each time, since a field's object may change (a boxed count locked and replaced by each
     * increment).
     */
    private record Guard(String name, Supplier<Object> lock) {}

    /**
     * The class's plain instance fields: not final, not volatile, of a primitive or boxed type. Static fields are
     * not the state of an instance: a static id counter judges nothing. A volatile field, and a field that holds an
     * atomic (final, or never replaced), is not plain; another field beside them still may be.
     */
    static List<Field> plainFields(Class<?> type) {
        List<Field> plain = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.isSynthetic() || Modifier.isStatic(m) || Modifier.isFinal(m) || Modifier.isVolatile(m)) continue;
            Class<?> t = f.getType();
            boolean number = t.isPrimitive() || Number.class.isAssignableFrom(t) && t.getPackageName().equals("java.lang");
            if (!number) continue;
            try {
                f.setAccessible(true);
            } catch (RuntimeException e) {
                continue;
            }
            plain.add(f);
        }
        return plain;
    }

    /** The values of {@code fields} in {@code target}, boxed (a boxed field's object compared by equals). */
    private static List<Object> values(List<Field> fields, Object target) {
        List<Object> values = new ArrayList<>();
        for (Field f : fields) {
            try {
                values.add(f.get(target));
            } catch (ReflectiveOperationException e) {
                values.add(null);
            }
        }
        return values;
    }

    /** The object's monitor, its class's, and the lock of each of its fields that holds an object. */
    private static List<Guard> guards(Object target, Class<?> type) {
        String name = type.getSimpleName();
        List<Guard> guards = new ArrayList<>(List.of(new Guard("the " + name + "'s monitor (synchronized on it)", () -> target),
                new Guard("the monitor of " + name + ".class", () -> type)));
        for (Field f : type.getDeclaredFields()) {
            if (f.isSynthetic() || f.getType().isPrimitive()) continue;
            try {
                f.setAccessible(true);
            } catch (RuntimeException e) {
                continue;
            }
            Object of = Modifier.isStatic(f.getModifiers()) ? null : target;
            String guardName = AtomicBoolean.class.isAssignableFrom(f.getType())
                    ? "the AtomicBoolean in field " + f.getName() + " (set to true: a spin lock)"
                    : "the lock of the object in field " + f.getName();
            guards.add(new Guard(guardName, () -> {
                try {
                    return f.get(of);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }));
        }
        return guards;
    }

    /**
     * Holds g ({@link HeldLocks#holding(Object, Duration, HeldLocks.Step)}) and runs call on a new thread: a description
     * of the wait if the call waits for it before it returns, null if it returns (or keeps running for 5 s) without
     * waiting, or if g cannot be held (another thread keeps it). Then lets go, and the call must return. A call waits
     * for a lock or a monitor when the test's thread is its lock owner (as {@code ThreadInfo} reports); for a
     * semaphore, which has no owner, when it queues for a permit.
     */
    private static String waitsFor(Guard g, String what, Waiting.Call call) {
        Object held = g.lock.get();
        if (held == null) return null;
        if (held instanceof AtomicBoolean flag) {
            String spun = spinsFor(flag, g, what, call);
            if (spun != null) return spun;
            // not a spin lock that true holds (a flag, or one whose true means free): its monitor may be, below
        }
        Waiting[] w = new Waiting[1];
        String[] waited = new String[1];
        try {
            boolean ran = HeldLocks.holding(held, Duration.ofSeconds(5), () -> {
                w[0] = Waiting.start(what, call);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (waited[0] == null && w[0].thread().isAlive() && System.nanoTime() < deadline) {
                    waited[0] = waitingFor(held, g, what, w[0].thread());
                    Thread.onSpinWait();
                }
            });
            if (!ran) return null;
        } catch (Exception e) {
            throw new AssertionError("The test could not hold " + g.name + ": " + e, e);
        }
        w[0].returns(Duration.ofSeconds(5));
        return waited[0];
    }

    /**
     * Sets {@code flag}, if it is false, and runs call on a new thread: a description of the wait if the call is still
     * running {@link #SPIN_PATIENCE} later (it spins, or waits otherwise, for the flag, a spin lock), null if it
     * returned (or threw) by then, or if the flag was already set (not a lock the test can take). Then clears the
     * flag, and a call that was still running must return. The verdict rests on time: a call that does not spin
     * returns in microseconds, and one that spins never returns while the flag is set.
     */
    private static String spinsFor(AtomicBoolean flag, Guard g, String what, Waiting.Call call) {
        if (!flag.compareAndSet(false, true)) return null;
        Waiting w;
        boolean waited;
        try {
            w = Waiting.start(what, call);
            w.thread().join(SPIN_PATIENCE);
            waited = w.thread().isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("the check was interrupted");
        } finally {
            flag.set(false);
        }
        if (!waited) return null; // it returned, or threw (a flag that is no lock, closed = true, say): no wait
        w.returns(Duration.ofSeconds(5));
        return what + " did not return in " + SPIN_PATIENCE.toMillis() + " ms while the test held " + g.name;
    }

    /** How {@code t} waits for {@code held}, which the test's thread holds; null if it does not (yet). */
    private static String waitingFor(Object held, Guard g, String what, Thread t) {
        if (held instanceof Semaphore permits) {
            return permits.hasQueuedThreads() ? what + " waited for a permit while the test held every permit of " + g.name : null;
        }
        ThreadInfo info = MX.getThreadInfo(t.threadId());
        if (held instanceof StampedLock) {
            // a StampedLock has no owner either: a call waits for it when it is parked with it as its blocker
            if (info == null || info.getLockInfo() == null
                    || info.getLockInfo().getIdentityHashCode() != System.identityHashCode(held)) return null;
            return what + " was " + info.getThreadState() + " on " + info.getLockName() + " while the test held the write"
                    + " lock of " + g.name;
        }
        if (info == null || info.getLockOwnerId() != Thread.currentThread().threadId()) return null;
        return what + " was " + info.getThreadState() + " on " + info.getLockName() + " while the test held " + g.name;
    }
}
