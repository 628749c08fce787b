package conclab.io;

/**
 * A callback that an {@link EventLoop} runs at a given time, and the handle to cancel it: what
 * {@link EventLoop#callLater} returns (asyncio's {@code TimerHandle}; not a {@link java.util.Timer}). {@link #cancel}
 * it before then and it never runs.
 *
 * <p>Timers are ordered by the time they are due, and those due at the same time by the order they were made.
 * The loop's thread alone keeps them in its queue; {@link #cancel} may be called from any thread.
 */
public final class TimerHandle implements Comparable<TimerHandle> {
    private final EventLoop loop;
    /** System.nanoTime() when it is due. */
    final long due;
    /** Breaks ties: timers due at the same time run in the order they were made. */
    private final long seq;
    final Callback task;
    /** Set once, by cancel; read by the loop before it runs the task. */
    private volatile boolean cancelled;

    TimerHandle(EventLoop loop, long due, long seq, Callback task) {
        this.loop = loop;
        this.due = due;
        this.seq = seq;
        this.task = task;
    }

    /** Makes sure the task does not run, if it has not started yet; from any thread. Does nothing the second time. */
    public void cancel() {
        if (cancelled) return;
        cancelled = true;
        loop.forget(this); // so that a cancelled timer does not keep the loop running
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(TimerHandle o) {
        return due != o.due ? Long.compare(due - o.due, 0) : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        return "timer " + task + (cancelled ? " (cancelled)" : "");
    }
}
