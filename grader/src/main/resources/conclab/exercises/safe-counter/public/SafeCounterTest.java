import conclab.grader.probe.Property;
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
}
