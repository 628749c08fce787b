package conclab.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo's child JVM runs and reports. Only the volatile flag's outcome is certain (it must stop); the
 * plain flag's depends on the JIT, and the notebook says which one it saw.
 */
class VisibilityTest {
    @Test
    void aVolatileFlagAlwaysStopsTheWorker() {
        Visibility.Outcome o = Visibility.run(true, Duration.ofMillis(200), Duration.ofSeconds(20));
        assertTrue(o.stopped(), o.toString());
        assertTrue(o.volatileFlag());
        assertTrue(o.spins() > 0);
        assertTrue(o.toString().startsWith("volatile flag: the worker stopped"), o.toString());
    }

    @Test
    void aPlainFlagReportsWhatHappened() {
        Visibility.Outcome o = Visibility.run(false, Duration.ofMillis(200), Duration.ofMillis(500));
        assertEquals(false, o.volatileFlag());
        assertTrue(o.stopped() ? o.spins() >= 0 : o.spins() == -1 && o.millis() >= 500, o.toString());
        assertTrue(o.toString().contains(o.stopped() ? "stopped" : "STILL RUNNING"), o.toString());
    }
}
