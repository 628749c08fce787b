import conclab.grader.probe.Property;
import conclab.grader.probe.ReadsUnderLock;
import conclab.grader.probe.Stress;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
        String missing = ReadsUnderLock.missing(c, SafeCounter.class, "increment()", () -> {
            c.increment();
            return null;
        }, "get()", c::get);
        if (missing != null) {
            throw new AssertionError(missing + " The count is a plain field: read without the lock that guards"
                    + " its writes, it has no happens-before edge with them, so get() may return a stale count, and a"
                    + " thread calling get() in a loop may never see another thread's increment. Read it holding the"
                    + " same lock (or make the count volatile or atomic).");
        }
    }
}
