package conclab.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A thread's sampled states: every stretch has the width of at least one sampling interval. */
class ThreadLogTest {
    @Test
    void aStateSeenOnceStartsAtThePreviousSample() {
        ThreadLog log = new ThreadLog(1, "worker", false);
        log.sampled(State.RUNNING, 2_000, 1_000);   // first seen at 2 µs; the sampler's previous look was at 1 µs
        log.sampled(State.WAITING, 3_000, 2_000);
        log.sampled(State.WAITING, 4_000, 3_000);
        List<Timeline.Interval> states = log.lane(0, 5_000).states();
        assertEquals(List.of(new Timeline.Interval(State.RUNNING, 1_000, 2_000), new Timeline.Interval(State.WAITING, 2_000, 4_000)),
                states);
    }

    /** Spans that overlap without nesting (opened a, b; closed a; opened c) never share a depth with an open one. */
    @Test
    void overlappingSpansGetDepthsNoOpenSpanHas() {
        ThreadLog log = new ThreadLog(1, "loop", false);
        Span a = log.open("a", 0), b = log.open("b", 10);
        log.close(a);
        Span c = log.open("c", 20), d = log.open("d", 30);
        assertEquals(List.of(0, 1, 0, 2), List.of(a.depth, b.depth, c.depth, d.depth));
    }
}
