package conclab.io;

import java.util.PriorityQueue;

/**
 * The pending timers of an {@link EventLoop}, the next due first: a binary heap, as in asyncio's loop. Not
 * thread-safe: only the loop's thread uses it.
 *
 * <p>A cancelled timer stops counting at once ({@link #isEmpty} is about the live ones), but its entry is dropped
 * lazily, as asyncio does: finding it in the heap would take a walk ({@code PriorityQueue.remove} is O(n)). It
 * goes when it reaches the top, or when more than half of the heap is cancelled: then all cancelled entries go
 * at once, in O(n), which the n/2 cancels since the last such compaction pay for, O(1) each.
 *
 * <p>{@code live} counts the timers added that have neither started nor been reported cancelled. The loop
 * reports a cancel as soon as it learns of it: at once if it was made on the loop's thread, else in its next
 * iteration ({@link TimerHandle#cancel} hands the report in). So it may find a cancelled timer due before the
 * report: it drops it then, and the report only uncounts it.
 */
final class TimerQueue {
    /** The timers not yet started or dropped, the next due first; cancelled ones among them. */
    private final PriorityQueue<TimerHandle> heap = new PriorityQueue<>();
    /** Timers added, less those started and those reported cancelled. */
    private int live;

    /** Whether no timer is left to run: every one added has started or been reported cancelled. */
    boolean isEmpty() {
        return live == 0;
    }

    void add(TimerHandle t) {
        heap.add(t);
        live++;
    }

    /** Reports that a timer added before was cancelled: it no longer counts; compacts if most of the heap is. */
    void cancelled() {
        live--;
        if (heap.size() > 2 * live) heap.removeIf(TimerHandle::isCancelled); // removeIf then rebuilds the heap: O(n)
    }

    /** Starts {@code t}, which pollDue returned, unless it was cancelled: true if its task is to run now. */
    boolean start(TimerHandle t) {
        if (!t.tryStart()) return false;
        live--;
        return true;
    }

    /** Nanoseconds from {@code now} until the next timer is due (0 or less: it is due); MAX_VALUE if none is held. */
    long untilNext(long now) {
        while (!heap.isEmpty() && heap.peek().isCancelled()) heap.poll(); // not to wake for a cancelled one
        return heap.isEmpty() ? Long.MAX_VALUE : heap.peek().due - now;
    }

    /** Removes and returns the next timer due at {@code now}, cancelled or not; null if none is due. */
    TimerHandle pollDue(long now) {
        return !heap.isEmpty() && heap.peek().due - now <= 0 ? heap.poll() : null;
    }

    /** How many entries the heap holds, cancelled ones included. */
    int size() {
        return heap.size();
    }
}
