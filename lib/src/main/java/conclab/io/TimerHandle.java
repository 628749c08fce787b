package conclab.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task that an {@link EventLoop} runs at a given time, and the handle to cancel it: what
 * {@link EventLoop#callLater} returns (asyncio's {@code TimerHandle}, and not a {@link java.util.Timer}).
 *
 * <p>A timer is pending, then either started (the loop began its task, which runs once) or cancelled, never
 * both: the loop and {@link #cancel} each leave pending with a compare-and-set, and the first one wins, as in
 * {@link java.util.concurrent.FutureTask}. So {@code cancel} may be called from any thread, and its answer holds.
 *
 * <p>Timers are ordered by the time they are due, and those due at the same time by the order they were made.
 * The loop's thread alone keeps them in its queue.
 */
public final class TimerHandle implements Comparable<TimerHandle> {
    private static final int PENDING = 0, STARTED = 1, CANCELLED = 2;

    private final EventLoop loop;
    /** System.nanoTime() when it is due. */
    final long due;
    /** Breaks ties: timers due at the same time run in the order they were made. */
    private final long seq;
    final Callback task;
    /** PENDING, then STARTED (set by the loop) or CANCELLED (set by cancel): the first compare-and-set wins. */
    private final AtomicInteger state = new AtomicInteger(PENDING);

    TimerHandle(EventLoop loop, long due, long seq, Callback task) {
        this.loop = loop;
        this.due = due;
        this.seq = seq;
        this.task = task;
    }

    /**
     * Makes sure the task never runs, unless it has started already; from any thread. A cancelled timer no longer
     * keeps its loop running: at once if cancelled on the loop's thread, else from the loop's next iteration (the
     * cancel wakes it). Its entry in the loop's queue is dropped later (see {@link TimerQueue}).
     *
     * @return true if the task will never run (this call or an earlier one cancelled it); false if it has
     *         started (it may be running now, on the loop's thread) or has run
     */
    public boolean cancel() {
        if (state.compareAndSet(PENDING, CANCELLED)) loop.forget(this);
        return state.get() == CANCELLED;
    }

    /** Whether it was cancelled before it started: then its task never runs. */
    public boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    /** Called by the loop when the timer is due: true if the task is to run now, false if it was cancelled. */
    boolean tryStart() {
        return state.compareAndSet(PENDING, STARTED);
    }

    @Override
    public int compareTo(TimerHandle o) {
        return due != o.due ? Long.compare(due - o.due, 0) : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return "timer " + task + (isCancelled() ? " (cancelled)" : "");
    }
}
