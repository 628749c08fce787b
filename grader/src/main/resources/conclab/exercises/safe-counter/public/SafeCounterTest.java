import conclab.grader.probe.ForcedRace;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.ReadsUnderLock;
import conclab.grader.probe.UnlockedReads;
import conclab.grader.probe.Stress;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
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
     * First the race forced ({@link #forcedRace}), which a racy increment loses every time; then 8 threads released
     * together by a barrier, each calling increment() for 300 ms (so that they overlap even on a busy machine, where
     * short runs may each fit in one time slice); up to 5 rounds in 3 s.
     */
    @Test
    @Property("no-lost-updates")
    void noLostUpdates() throws Exception {
        forcedRace();
        stressed();
    }

    /**
     * How long a thread held after a read waits for the other to read too: on a busy machine, the other may be slow
     * to run. A lock that both take ends the wait at once (the other thread waits for the held one).
     */
    static final Duration PATIENCE = Duration.ofSeconds(2);

    /**
     * Two threads each call increment() once on a new counter of a copy of the learner's classes in which a thread is
     * held just after it read a field of a primitive type ({@link ForcedRace}) until the other thread has read it too:
     * a pause any busy machine may make. A count++ that no lock guards (or a lock of its own each time) has then read
     * the same count in both threads, and one increment is lost, every time, and so does an atomic's get() then
     * set(); a lock both take keeps the other thread out until the first has written, and incrementAndGet() is not
     * held. Up to 3 rounds, another only when a hold ran out of
     * patience before the other thread had reached the learner's code (a busy machine had not run it yet).
     */
    static void forcedRace() throws Exception {
        InstrumentedCopy copy = ForcedRace.copy("forced-race", SafeCounterTest.class.getClassLoader());
        Constructor<?> make;
        Method increment, get;
        try {
            make = copy.copyOf("SafeCounter").getDeclaredConstructor();
            make.setAccessible(true);
            increment = copy.method("SafeCounter", "increment");
            get = copy.method("SafeCounter", "get");
            Object warm = make.newInstance(); // loads and links the copy before any thread is held
            InstrumentedCopy.invoke(increment, warm);
            InstrumentedCopy.invoke(get, warm);
        } catch (ReflectiveOperationException | LinkageError e) {
            return; // no copy could be made or run: the stress test below decides
        }
        for (int round = 1; round <= 3; round++) {
            Object counter = make.newInstance();
            long before = count(get, counter); // not 0 if counters share a static count
            try (ForcedRace.Round race = ForcedRace.arm(2, PATIENCE)) {
                Liveness.finish("2 threads calling increment() once each", Duration.ofSeconds(10),
                        armed(race, increment, counter, "first"), armed(race, increment, counter, "second"));
                long got = count(get, counter) - before;
                if (got < 2) {
                    String how = race.meeting() == null ? "" : " Here " + race.meeting() + "; then each wrote back the"
                            + " count it had read, plus one.";
                    boolean atomic = race.meeting() != null && race.meeting().contains("'s value (");
                    throw new AssertionError("Two threads each called increment() once on a new counter, and get() then"
                            + " gave " + (before == 0 ? got : got + " more than before") + ", not 2: an increment was"
                            + " lost." + how + (atomic ? " Each call of an atomic is one step, but a read and then a"
                            + " write are two: let the atomic do all of it in one call (incrementAndGet()), or loop on"
                            + " compareAndSet until the value you read is still there." : " count++ is"
                            + " three steps, read, add, write: let one thread at a time do all three, holding a lock that"
                            + " every thread takes (synchronized (this), or one lock object in a final field) in"
                            + " increment() and in get(), or count with an AtomicLong."));
                }
                // another round only if the other thread came too late to meet the held one (a busy machine)
                if (!race.othersLate()) return;
            }
        }
    }

    private static long count(Method get, Object counter) throws Exception {
        return ((Number) InstrumentedCopy.invoke(get, counter)).longValue();
    }

    /** A task for {@link Liveness#finish}: the thread joins the race and calls increment() once. */
    private static Liveness.Task armed(ForcedRace.Round race, Method increment, Object counter, String name) {
        return Liveness.task(name, () -> {
            race.join();
            try {
                InstrumentedCopy.invoke(increment, counter);
            } finally {
                race.leave();
            }
        });
    }

    /** 8 threads calling increment() at once for 300 ms, up to 5 rounds in 3 s: every increment must count. */
    static void stressed() {
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
     * takes none of these locks (a lost update is the other property's matter), nor when get() reads no field that
     * increment() changes, with a lock or without (a volatile count beside a plain statistic: a copy of the class
     * notes what get() reads, {@link UnlockedReads}).
     */
    @Test
    @Property("reads-under-lock")
    void readsUnderLock() throws Exception {
        SafeCounter c = new SafeCounter();
        c.increment(); // the unwritten stub fails here, as "not done"
        c.get();
        String missing = ReadsUnderLock.missing(c, SafeCounter.class, "increment()", () -> {
            c.increment();
            return null;
        }, "get()", c::get);
        if (missing != null && Boolean.FALSE.equals(UnlockedReads.readsWhatWriteChanges(SafeCounterTest.class.getClassLoader(),
                "SafeCounter", "increment", new Class<?>[0], new Object[0], "get", Duration.ofSeconds(10)))) {
            return; // get() reads no field that increment() changes (a volatile count beside a plain statistic)
        }
        if (missing != null) {
            throw new AssertionError(missing + " The count is a plain field: read without the lock that guards"
                    + " its writes, it has no happens-before edge with them, so get() may return a stale count, and a"
                    + " thread calling get() in a loop may never see another thread's increment. Read it holding the"
                    + " same lock (or make the count volatile or atomic).");
        }
    }
}
