import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import org.junit.jupiter.api.Test;

/** Public tests of the safe-counter exercise: the learner may read them. */
class SafeCounterTest {
    @Test
    @Property("counts-alone")
    void countsAlone() {
        SafeCounter c = new SafeCounter();
        for (int i = 0; i < 1000; i++) c.increment();
        if (c.get() != 1000) throw new AssertionError("After 1,000 calls of increment() from one thread, get() gave " + c.get() + ".");
    }

    /**
     * 8 threads released together by a barrier, each calling increment() for 300 ms (so that they overlap
     * even on a busy machine, where short runs may each fit in one time slice); up to 5 rounds in 3 s.
     */
    @Test
    @Property("no-lost-updates")
    void noLostUpdates() {
        int threads = 8;
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            SafeCounter c = new SafeCounter();
            long[] made = new long[threads];
            Stress.together("8 threads calling increment()", threads, Duration.ofSeconds(5), t -> {
                long end = System.nanoTime() + 300_000_000L, n = 0;
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 100; i++) {
                        c.increment();
                        // Keeps the JIT from merging the increments into one "count += 100", which would
                        // hide the race; the fence itself orders nothing between threads.
                        VarHandle.fullFence();
                    }
                    n += 100;
                }
                made[t] = n;
            });
            long expected = java.util.Arrays.stream(made).sum(), got = c.get();
            if (got == expected) return null;
            String why = got < expected ? String.format("%,d updates were lost", expected - got)
                    : "more than were made (do counters share a static count?)";
            return String.format("8 threads called increment() %,d times in all, so get() should give %,d; it gave %,d: %s.",
                    expected, expected, got, why);
        });
    }

    /**
     * The test finds the locks that increment() takes: it holds, one at a time, the counter's monitor
     * (synchronized on it), its class's, and the lock in each of its fields (the monitor of the field's
     * object, or a Lock, or a ReadWriteLock's write lock), and sees whether increment() waits. Then, holding
     * such a lock, get() must wait too (for one of them, when increment() takes several). A plain field read
     * without the lock that guards its writes has no happens-before edge with them: it may return a stale
     * count, and a thread calling get() in a loop may never see another thread's increment. Not checked when
     * a field is volatile or of a java.util.concurrent.atomic type (AtomicLong, LongAdder), whose reads need
     * no lock, nor when no field is plain (not final, of a primitive or boxed type), nor when increment()
     * takes none of these locks (a lost update is the other property's matter).
     */
    @Test
    @Property("reads-under-lock")
    void readsUnderLock() {
        SafeCounter c = new SafeCounter();
        c.increment(); // the unwritten stub fails here, as "not done"
        c.get();
        if (!plainCount(SafeCounter.class)) return;
        List<Guard> guards = new ArrayList<>(); // the locks increment() waits for
        for (Guard g : guards(c)) {
            if (waitsFor(g, "increment()", () -> {
                c.increment();
                return null;
            }) != null) guards.add(g);
        }
        if (guards.isEmpty()) return;
        for (Guard g : guards) {
            if (waitsFor(g, "get()", c::get) != null) return;
        }
        throw new AssertionError("increment() waits while the test holds " + guards.get(0).name + (guards.size() == 1
                ? "" : " (and " + (guards.size() - 1) + " more)") + ", but get() did"
                + " not wait for " + (guards.size() == 1 ? "it" : "any of the " + guards.size() + " locks increment()"
                + " takes") + ": it returned at once. The count is a plain field: read without the lock that guards"
                + " its writes, it has no happens-before edge with them, so get() may return a stale count, and a"
                + " thread calling get() in a loop may never see another thread's increment. Read it holding the"
                + " same lock (or make the count volatile or atomic).");
    }

    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    /**
     * A lock the test can hold: the monitor of the object that {@code lock} gives (synchronized on it), or
     * that object itself if it is a Lock, or its write lock if it is a ReadWriteLock. Read anew each time,
     * since a field's object may change (a boxed count locked and replaced by each increment).
     */
    private record Guard(String name, java.util.function.Supplier<Object> lock) {}

    /** Whether the class keeps a plain count (a non-final primitive or boxed field) and no volatile or atomic one. */
    private static boolean plainCount(Class<?> type) {
        boolean plain = false;
        for (Field f : type.getDeclaredFields()) {
            if (f.isSynthetic()) continue;
            int m = f.getModifiers();
            Class<?> t = f.getType();
            if (Modifier.isVolatile(m) || t.getPackageName().equals("java.util.concurrent.atomic")) return false;
            boolean number = t.isPrimitive() || Number.class.isAssignableFrom(t) && t.getPackageName().equals("java.lang");
            if (number && !Modifier.isFinal(m)) plain = true;
        }
        return plain;
    }

    /** The counter's monitor, its class's, and the lock of each of its fields that holds an object. */
    private static List<Guard> guards(SafeCounter c) {
        List<Guard> guards = new ArrayList<>(List.of(new Guard("the counter's monitor (synchronized (counter))", () -> c),
                new Guard("the monitor of SafeCounter.class", () -> SafeCounter.class)));
        for (Field f : SafeCounter.class.getDeclaredFields()) {
            if (f.isSynthetic() || f.getType().isPrimitive()) continue;
            try {
                f.setAccessible(true);
            } catch (RuntimeException e) {
                continue;
            }
            Object of = Modifier.isStatic(f.getModifiers()) ? null : c;
            guards.add(new Guard("the lock of the object in field " + f.getName(), () -> {
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
     * Holds g and runs call on a new thread: a description of the wait if the call waits for a lock the test
     * thread owns (ThreadInfo's lock owner) before it returns, null if it returns (or keeps running for 5 s)
     * without waiting. Then lets go, and the call must return.
     */
    private static String waitsFor(Guard g, String what, Waiting.Call call) {
        Object held = g.lock.get();
        if (held == null) return null;
        Lock lock = held instanceof ReadWriteLock rw ? rw.writeLock() : held instanceof Lock l ? l : null;
        Waiting w;
        String waited = null;
        if (lock != null) lock.lock();
        try {
            synchronized (lock != null ? new Object() : held) {
                w = Waiting.start(what, call);
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (waited == null && w.thread().isAlive() && System.nanoTime() < deadline) {
                    ThreadInfo info = MX.getThreadInfo(w.thread().threadId());
                    if (info != null && info.getLockOwnerId() == Thread.currentThread().threadId()) {
                        waited = what + " was " + info.getThreadState() + " on " + info.getLockName()
                                + " while the test held " + g.name;
                    }
                    Thread.onSpinWait();
                }
            }
        } finally {
            if (lock != null) lock.unlock();
        }
        w.returns(Duration.ofSeconds(5));
        return waited;
    }
}
