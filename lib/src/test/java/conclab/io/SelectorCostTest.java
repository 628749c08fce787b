package conclab.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SelectorCostTest {
    @Test
    void eachKindRunsInItsOwnServerJvm() {
        for (SelectorCost.Kind kind : SelectorCost.Kind.values()) {
            SelectorCost.Result r = SelectorCost.measure(kind, 50);
            String expected = kind == SelectorCost.Kind.POLL ? "sun.nio.ch.PollSelectorImpl" : "sun.nio.ch.EPollSelectorImpl";
            assertEquals(expected, r.selector(), "the child used the requested selector");
            assertEquals(50, r.idle());
            assertTrue(r.calls() >= 10 && r.microsPerCall() > 0, r.toString());
        }
    }

    @Test
    void pollWatchesMoreThanSelectsLimitOf1024() {
        SelectorCost.Result r = SelectorCost.measure(SelectorCost.Kind.POLL, 2000);
        assertEquals(2000, r.idle());
        assertTrue(r.calls() >= 10, r.toString());
    }

    @Test
    void refusesMoreConnectionsThanADescriptorLimitAllows() {
        long limit = SelectorCost.descriptorLimit(), max = SelectorCost.maxIdle();
        assertTrue(limit > 0 && max > 0 && max < limit, limit + " / " + max);
        var e = assertThrows(IllegalArgumentException.class, () -> SelectorCost.measure(SelectorCost.Kind.EPOLL, (int) Math.min(Integer.MAX_VALUE, limit + 1)));
        assertTrue(e.getMessage().startsWith("idle must be between 0 and "), e.getMessage());
        assertTrue(e.getMessage().contains(" (this process may hold " + limit + " descriptors"), e.getMessage()); // read, not written in
    }
}
