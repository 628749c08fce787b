package conclab.threads;

import java.time.Duration;

/**
 * A closed gate that threads wait at until it is opened, counting how many have arrived: a way to keep a
 * pool's threads busy for as long as a demo or a test needs, and to know when they all are.
 *
 * <pre>{@code
 * var gate = new Gate();
 * for (int i = 0; i < 4; i++) pool.execute(gate::pass);   // each task waits at the gate
 * gate.awaitArrived(2, Duration.ofSeconds(5));            // both threads of a 2-thread pool are busy
 * gate.open();                                            // every task, waiting or to come, passes
 * }</pre>
 *
 * <p>A gate opens once and stays open. {@link #pass} counts the caller as arrived, then waits while the gate
 * is closed; an interrupt ends the wait with {@link Threads.Interrupted}, so a task holding a pool's thread
 * at the gate can be cancelled. Thread-safe: the count and the open flag are guarded by the gate's monitor,
 * and {@link #open} happens-before every {@link #pass} returns.
 */
public final class Gate {
    /** Threads that have called pass, whether they are still waiting or not; guarded by this. */
    private int arrived;
    /** Whether the gate is open; guarded by this. Never goes back to false. */
    private boolean open;

    /** Counts the calling thread as arrived, then waits until the gate is open (at once if it is). */
    public synchronized void pass() {
        arrived++;
        notifyAll(); // for awaitArrived
        try {
            while (!open) wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Threads.Interrupted(e);
        }
    }

    /** How many threads have called {@link #pass} so far. */
    public synchronized int arrived() {
        return arrived;
    }

    /**
     * Waits until at least {@code n} threads have arrived at the gate.
     *
     * @throws IllegalStateException when fewer than {@code n} have arrived after {@code limit}, saying how many
     * @throws Threads.Interrupted   when the waiting thread is interrupted
     */
    public synchronized void awaitArrived(int n, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            for (long left; arrived < n; ) {
                left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(arrived + " of " + n + " threads arrived at the gate within " + limit.toMillis()
                            + " ms: are there fewer threads than that to run the tasks?");
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Threads.Interrupted(e);
        }
    }

    /** Opens the gate: every waiting thread goes on, and every later {@link #pass} returns at once. */
    public synchronized void open() {
        open = true;
        notifyAll();
    }

    /** Whether the gate is open. */
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized String toString() {
        return "Gate(" + (open ? "open" : "closed") + ", " + arrived + " arrived)";
    }
}
