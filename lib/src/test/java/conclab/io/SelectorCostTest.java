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
        assertEquals(1, r.ready());
        assertTrue(r.calls() >= 10, r.toString());
        // 2,001 accepted sockets and the server's are distinct numbers: at least 978 of them are 1024 or above
        assertTrue(r.highestDescriptor() >= 2001, r.toString());
        assertTrue(r.descriptorsFrom1024() >= 978 && r.descriptorsFrom1024() <= r.highestDescriptor() - 1023, r.toString());
    }

    @Test
    void manyReadyAtOnce() {
        for (SelectorCost.Kind kind : SelectorCost.Kind.values()) {
            SelectorCost.Result r = SelectorCost.measure(kind, 0, 20, 0);
            assertEquals(0, r.idle());
            assertEquals(20, r.ready());
            assertTrue(r.calls() >= 10 && r.microsPerCall() > 0, r.toString());
        }
    }

    @Test
    void switchesInterestBeforeEachCall() {
        for (SelectorCost.Kind kind : SelectorCost.Kind.values()) {
            SelectorCost.Result r = SelectorCost.measure(kind, 30, 1, 30);
            assertEquals(30, r.flips());
            assertTrue(r.calls() >= 10 && r.microsPerCall() > 0, r.toString());
        }
    }

    @Test
    void refusesBadCounts() {
        assertThrows(IllegalArgumentException.class, () -> SelectorCost.measure(SelectorCost.Kind.EPOLL, 10, 1, 11));
        assertThrows(IllegalArgumentException.class, () -> SelectorCost.measure(SelectorCost.Kind.EPOLL, 10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> SelectorCost.measure(SelectorCost.Kind.EPOLL, -1, 1, 0));
    }

    @Test
    void findsItsOwnSocketDescriptors() throws Exception {
        try (var server = java.nio.channels.ServerSocketChannel.open()) {
            int[] fds = SelectorCost.socketDescriptors();
            assertTrue(fds[0] >= 0 && fds[1] >= 0, java.util.Arrays.toString(fds));
        }
    }

    @Test
    void maxIdleIsTheBoundMeasureHolds() {
        long max = SelectorCost.maxIdle();                  // public: notebook 12.3 caps its sizes by it
        assertTrue(max > 0, "maxIdle " + max);
        // past it (by a margin: the count of open descriptors it reads may move a little between two calls)
        int past = (int) Math.min(Integer.MAX_VALUE, max + 64);
        var e = assertThrows(IllegalArgumentException.class, () -> SelectorCost.measure(SelectorCost.Kind.EPOLL, past));
        assertTrue(e.getMessage().contains("together at most "), e.getMessage());
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
