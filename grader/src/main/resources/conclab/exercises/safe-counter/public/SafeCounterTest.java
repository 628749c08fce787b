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

    /** 8 threads released together by a barrier, 50,000 increments each, up to 20 rounds in 3 s. */
    @Test
    @Property("no-lost-updates")
    void noLostUpdates() {
        int threads = 8, each = 50_000;
        long expected = (long) threads * each;
        Stress.repeat(20, Duration.ofSeconds(3), round -> {
            SafeCounter c = new SafeCounter();
            Stress.together("8 threads calling increment()", threads, Duration.ofSeconds(5), t -> {
                for (int i = 0; i < each; i++) {
                    c.increment();
                    // Keeps the JIT from merging the loop's increments into one "count += 50,000", which
                    // would hide the race; the fence itself orders nothing between threads.
                    VarHandle.fullFence();
                }
            });
            long got = c.get();
            if (got == expected) return null;
            String why = got < expected ? String.format("%,d updates were lost", expected - got)
                    : "more than were made (do counters share a static count?)";
            return String.format("%d threads each called increment() %,d times, so get() should give %,d; it gave %,d: %s.",
                    threads, each, expected, got, why);
        });
    }
}
