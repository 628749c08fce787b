import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hidden tests of the hit-counter exercise: run when grading only. */
class HitCounterHiddenTest {
    @Test
    @Property("many-pages")
    void manyPages() {
        HitCounter c = new HitCounter();
        long[] made = new long[4];
        Stress.together("4 threads hitting 1,000 pages", 4, Duration.ofSeconds(10), t -> {
            long end = System.nanoTime() + 300_000_000L, n = 0;
            while (System.nanoTime() < end) {
                c.hit("/goods/" + (n % 1000) + "/");
                n++;
            }
            made[t] = n;
        });
        long want = java.util.Arrays.stream(made).sum(), got = 0;
        for (int p = 0; p < 1000; p++) got += c.hits("/goods/" + p + "/");
        if (got != want) {
            throw new AssertionError(String.format("4 threads made %,d hits on 1,000 pages; the pages' hits add up"
                    + " to %,d.", want, got));
        }
    }
}
