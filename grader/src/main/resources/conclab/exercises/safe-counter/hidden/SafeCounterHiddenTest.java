import conclab.grader.probe.Property;
import org.junit.jupiter.api.Test;

/** Hidden tests of the safe-counter exercise: run when grading only. */
class SafeCounterHiddenTest {
    @Test
    @Property("separate-counters")
    void separateCounters() {
        SafeCounter a = new SafeCounter(), b = new SafeCounter();
        for (int i = 0; i < 3; i++) a.increment();
        b.increment();
        if (a.get() != 3 || b.get() != 1) {
            throw new AssertionError("Counter a got 3 increments and counter b got 1, but a.get() gave " + a.get()
                    + " and b.get() gave " + b.get() + ": do the counters share their count (a static field)?");
        }
    }
}
