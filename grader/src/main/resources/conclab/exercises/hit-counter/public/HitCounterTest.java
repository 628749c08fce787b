import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Public tests of the hit-counter exercise: the learner may read them. */
class HitCounterTest {
    @Test
    @Property("counts-alone")
    void countsAlone() {
        HitCounter c = new HitCounter();
        for (int i = 0; i < 5; i++) c.hit("/a");
        c.hit("/b");
        expect(c.hits("/a"), 5, "hits(\"/a\") after 5 hits");
        expect(c.hits("/b"), 1, "hits(\"/b\") after 1 hit");
        expect(c.hits("/never"), 0, "hits of a page never hit");
    }

    /** 8 threads released together, each hitting "/a" and "/b" in turn for 300 ms; up to 5 rounds in 3 s. */
    @Test
    @Property("no-lost-hits")
    void noLostHits() {
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            HitCounter c = new HitCounter();
            long[] made = new long[8];
            Stress.together("8 threads calling hit()", 8, Duration.ofSeconds(5), t -> {
                long end = System.nanoTime() + 300_000_000L, n = 0;
                while (System.nanoTime() < end) {
                    c.hit("/a");
                    c.hit("/b");
                    n++;
                }
                made[t] = n;
            });
            long each = java.util.Arrays.stream(made).sum(), a = c.hits("/a"), b = c.hits("/b");
            if (a == each && b == each) return null;
            return String.format("8 threads hit each of /a and /b %,d times in all; hits(\"/a\") gave %,d and"
                    + " hits(\"/b\") %,d: %,d hits were lost.", each, a, b, 2 * each - a - b);
        });
    }

    static void expect(long got, long want, String what) {
        if (got != want) throw new AssertionError(what + " gave " + got + ", expected " + want + ".");
    }
}
