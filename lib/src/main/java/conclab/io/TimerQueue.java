package conclab.io;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The pending timers of an {@link EventLoop}, the next due first: a binary heap, as in asyncio's loop. Not
 * thread-safe: only the loop's thread uses it. A cancelled timer is removed by the loop when it learns of the
 * cancellation; one cancelled in between is skipped by the loop when it comes due.
 */
final class TimerQueue {
    private final PriorityQueue<TimerHandle> heap = new PriorityQueue<>();

    boolean isEmpty() {
        return heap.isEmpty();
    }

    void add(TimerHandle t) {
        heap.add(t);
    }

    void remove(TimerHandle t) {
        heap.remove(t);
    }

    /** Nanoseconds from {@code now} until the next timer is due (0 or less: it is due); MAX_VALUE if none. */
    long untilNext(long now) {
        return heap.isEmpty() ? Long.MAX_VALUE : heap.peek().due - now;
    }

    /** Removes the timers due at {@code now} and returns them, in the order they are to run. */
    List<TimerHandle> takeDue(long now) {
        List<TimerHandle> due = new ArrayList<>();
        while (!heap.isEmpty() && heap.peek().due - now <= 0) due.add(heap.poll());
        return due;
    }
}
