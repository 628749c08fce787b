package conclab.io;

import static java.nio.channels.SelectionKey.*; // OP_READ, OP_WRITE, OP_CONNECT, OP_ACCEPT

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * An event loop: one thread, one {@link Selector}, and callbacks. Channels are watched for readiness (readable,
 * writable, connectable, acceptable), tasks run soon or after a delay, and every callback runs on the loop's
 * thread, one at a time, so the state the callbacks share needs no lock.
 *
 * <pre>{@code
 * var loop = new EventLoop();
 * loop.onReadable(channel, () -> { ... channel.read(buffer) ... });   // called each time it is readable
 * loop.callLater(Duration.ofSeconds(1), () -> channel.close());      // closed: no more callbacks
 * loop.run();                                                          // until nothing is left to wait for
 * }</pre>
 *
 * <p>One iteration: run the tasks queued so far; wait in {@code select} until a channel is ready, the next timer
 * is due or another thread hands in work, calling the callbacks of the ready channels; run the timers that are
 * due. The loop ends when no channel is watched and no timer or task is left. A callback must not block: while it
 * runs, nothing else does. An iteration's work grows with what happens in it (tasks, ready channels, timers due),
 * not with the channels and timers held: the loop counts its live timers and its watched channels.
 *
 * <p>Threads: {@link #run} makes the calling thread the loop's thread. Every public method may be called from
 * any thread: called from another one (or before {@code run}), it is queued and done by the loop, in order;
 * what a thread did before handing work in happens-before the work runs. The callbacks are attached to their
 * channel's {@link SelectionKey}; the keys, their callbacks, the watched set and the timer queue are touched by
 * the loop's thread only. Any thread may close a channel, which cancels its key at once: the loop skips
 * cancelled keys, and reads a key cancelled between two of its steps as ready for nothing. But a close does not
 * wake {@code select} (on Linux the JDK closes the descriptor only when a select drops the key, so epoll sees
 * nothing). The loop counts its watched channels whenever it is about to wait for channels alone: it sees a close
 * by another thread made before that, and one made later only when something else wakes it (a channel, a timer,
 * work handed in): a loop already waiting for channels alone waits on. So hand such a close in, with
 * {@code loop.callSoon(channel::close)}.
 *
 * <p>Failures: a callback that throws an exception is reported to the error handler ({@link #onError}; by
 * default a line on standard error naming the callback), and the loop goes on; an {@link Error} ends
 * {@code run}. A channel whose callback threw is closed: it would stay ready, and the failing callback would
 * run again and again. Except, as in asyncio, a failed accept: an acceptable callback that throws an
 * {@link IOException} (most often EMFILE, "Too many open files", until some connection closes) leaves its
 * listening channel open, unwatched for one second (asyncio's {@code ACCEPT_RETRY_DELAY}), then watched again
 * by the same callback, so that the server survives; other exceptions close it, as for any callback. A
 * channel closed while it has events pending gets no more callbacks; one closed by another thread may get a
 * callback that was already on its way, and finds the channel closed.
 */
public final class EventLoop implements AutoCloseable {
    /** The kinds of readiness, in the order their callbacks are called when several are ready at once. */
    private static final int[] OPS = {OP_CONNECT, OP_ACCEPT, OP_READ, OP_WRITE};
    /** How long a channel whose accept failed is not watched: asyncio's ACCEPT_RETRY_DELAY, one report a second. */
    static final Duration ACCEPT_RETRY_DELAY = Duration.ofSeconds(1);

    private final Selector selector;
    /** Tasks handed in by callSoon and by other threads; thread-safe, drained by the loop; its size() is O(1). */
    private final LinkedBlockingQueue<Runnable> queued = new LinkedBlockingQueue<>();
    /** Pending timers, the next due first; the loop's thread only. */
    private final TimerQueue timers = new TimerQueue();
    /** Numbers the timers in the order they are made; any thread. */
    private final AtomicLong timerSeq = new AtomicLong();
    /** The keys whose interest set the loop made non-empty, and cancelled ones until a recount; the loop's thread. */
    private final Set<SelectionKey> watched = new HashSet<>();
    /** The selector's key count at the last recount, plus the keys registered since; the loop's thread only. */
    private int registered;
    /**
     * The keys the last select found ready; the loop's thread only. select(Consumer) holds the selector's lock while
     * it calls its action, so the action only collects them and the callbacks run after it, out of the lock:
     * conclab.coro's coroutines yield inside callbacks, and JDK 25 crashes if they do so under a lock.
     */
    private final List<SelectionKey> ready = new ArrayList<>();
    /**
     * The thread in run(), or null when the loop is not running; set by run() with a compare-and-set, so that of two
     * threads calling run at once exactly one runs the loop (the selector is not safe for two) and the other is told.
     */
    private final AtomicReference<Thread> runner = new AtomicReference<>();
    /** Set by stop(), read by the loop at the end of each iteration, cleared when run() returns. */
    private volatile boolean stopping;
    /** Where callbacks that throw are reported: what the callback was, and what it threw. */
    private volatile BiConsumer<String, Exception> errors = (what, e) -> {
        System.err.println("conclab.io.EventLoop: " + what + " threw " + e);
        e.printStackTrace();
    };

    /** Opens the loop's selector. */
    public EventLoop() throws IOException {
        this(Selector.open());
    }

    /** A loop on {@code selector}: tests give it one whose keys are cancelled on cue. */
    EventLoop(Selector selector) {
        this.selector = selector;
    }

    /** Calls {@code callback} each time {@code channel} is readable (data or end of stream); null: no more. */
    public void onReadable(SelectableChannel channel, Callback callback) { watch(channel, OP_READ, callback); }

    /** Calls {@code callback} each time {@code channel} can take more bytes; null: no more (say it when done). */
    public void onWritable(SelectableChannel channel, Callback callback) { watch(channel, OP_WRITE, callback); }

    /** Calls {@code callback} when a non-blocking connect ends (it calls {@code finishConnect}); null: no more. */
    public void onConnectable(SelectableChannel channel, Callback callback) { watch(channel, OP_CONNECT, callback); }

    /** Calls {@code callback} each time a server channel has a connection to accept; null: no more. */
    public void onAcceptable(SelectableChannel channel, Callback callback) { watch(channel, OP_ACCEPT, callback); }

    /** Sets the {@code op} callback of {@code channel}; registers it, non-blocking, on first use. */
    private void watch(SelectableChannel channel, int op, Callback callback) {
        inLoop(() -> "watching " + channel + " for " + name(op), () -> {
            SelectionKey key = channel.keyFor(selector);
            if (key == null) {
                channel.configureBlocking(false);
                key = channel.register(selector, 0, new Callback[slot(OP_ACCEPT) + 1]);
                registered++;
            }
            ((Callback[]) key.attachment())[slot(op)] = callback;
            setInterest(key, op, callback != null);
        });
    }

    /** Runs {@code task} on the loop soon: in the next iteration, after the tasks queued before it. */
    public void callSoon(Callback task) { callSoon(task, () -> "task " + task); }
    private void callSoon(Callback task, Supplier<String> what) {
        queued.add(() -> call(task, what));
        if (Thread.currentThread() != runner.get()) selector.wakeup();
    }

    /** Runs {@code task} on the loop after {@code delay} (or later, never earlier); returns a handle to cancel it. */
    public TimerHandle callLater(Duration delay, Callback task) {
        TimerHandle t = new TimerHandle(this, System.nanoTime() + delay.toNanos(), timerSeq.getAndIncrement(), task);
        inLoop(() -> "adding " + t, () -> timers.add(t));
        return t;
    }

    /** Tells the timer queue that {@code t} was cancelled, so that it no longer keeps the loop running. */
    void forget(TimerHandle t) {
        inLoop(() -> "cancelling " + t, timers::cancelled);
    }

    /** Does {@code action} now if on the loop's thread, else queues it for the loop. */
    private void inLoop(Supplier<String> what, Callback action) {
        if (Thread.currentThread() == runner.get()) call(action, what);
        else callSoon(action, what);
    }

    /** Sets where callbacks that throw are reported, with a description of the callback (default: stderr). */
    public void onError(BiConsumer<String, Exception> handler) { errors = handler; }

    /**
     * Runs the loop on the calling thread until no channel is watched (has a callback) and no timer or queued
     * task is left, or until {@link #stop}, or until the thread is interrupted; it may run again later. A stop
     * or an interrupt is seen at the end of an iteration (so a run does at least one). An interrupt wakes the
     * loop from {@code select}, and run returns with the interrupt status still set, so the caller sees why; a
     * callback that throws {@link InterruptedException} sets it again, so it ends the run too.
     *
     * @throws IllegalStateException if the loop is running already
     */
    public void run() {
        if (!runner.compareAndSet(null, Thread.currentThread())) {
            throw new IllegalStateException("the loop is already running on " + runner.get()
                    + ": one thread runs a loop; hand work to it with callSoon, or stop it and wait for run to return");
        }
        try {
            do {
                for (int n = queued.size(); n > 0; n--) queued.poll().run(); // not the ones these add
                if (!select()) break; // nothing left to wait for
                runDueTimers();
            } while (!stopping && !Thread.currentThread().isInterrupted());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            stopping = false; // the stops made so far were for this run
            runner.set(null);
        }
    }

    /**
     * Waits until a channel is ready, the next timer is due or work is handed in, calling the callbacks of the
     * ready channels; not at all if any is, or on a stop. Returns false, without waiting, if nothing is left.
     * With no timer to wait for, it looks without waiting first: that select drops the keys cancelled so far, for
     * {@link #watching} to count right; it also clears a wakeup, so the queue and stop are read again after it.
     */
    private boolean select() throws IOException {
        long wait = queued.isEmpty() && !stopping ? timers.untilNext(System.nanoTime()) : 0;
        ready.clear();
        if (wait <= 0) selector.selectNow(ready::add);
        else if (wait < Long.MAX_VALUE) selector.select(ready::add, (wait + 999_999) / 1_000_000); // ms, at least 1
        else if (selector.selectNow(ready::add) == 0 && queued.isEmpty() && !stopping) {
            if (timers.isEmpty() && !watching()) return false;
            selector.select(ready::add);
        }
        dropCancelled();
        for (SelectionKey key : ready) dispatch(key);
        return true;
    }

    /**
     * Drops the cancelled keys from the watched set once they may be half of it; right just after a select. Any
     * thread may close a channel, which cancels its key without telling the loop; the next select drops the key
     * from {@code selector.keys()}. So {@code registered - selector.keys().size()} keys were cancelled since the
     * last recount, and at most that many of the set. Once that is half the set, a recount: it looks at no more
     * than twice as many keys as were cancelled since the last one (O(1) per close, amortised), and the set never
     * holds more cancelled keys than watched ones.
     */
    private void dropCancelled() {
        int cancelled = registered - selector.keys().size();
        if (cancelled == 0 || 2 * cancelled < watched.size()) return;
        watched.removeIf(key -> opsOf(key, SelectionKey::interestOps) == 0); // cancelled: read as 0
        registered = selector.keys().size();
    }

    /** Whether a channel is watched; right just after a select, after which the set is empty or has a valid key. */
    private boolean watching() {
        dropCancelled();
        return !watched.isEmpty();
    }

    /** Runs the timers due now, the next due first; one cancelled by an earlier one's task does not run. */
    private void runDueTimers() {
        long now = System.nanoTime();
        for (TimerHandle t; (t = timers.pollDue(now)) != null; ) if (timers.start(t)) call(t.task, t::toString);
    }

    /**
     * Calls the callbacks of a ready key. A callback may close the channel, and so may another thread at any
     * moment, so the key is read anew before each callback; a cancelled key reads as ready for nothing.
     */
    private void dispatch(SelectionKey key) {
        for (int op : OPS) {
            if ((opsOf(key, k -> k.readyOps() & k.interestOps()) & op) == 0) continue;
            Callback c = ((Callback[]) key.attachment())[slot(op)];
            Exception e = c == null ? null : call(c, () -> name(op) + " callback of " + key.channel());
            if (e == null) continue;
            if (op == OP_ACCEPT && e instanceof IOException) pauseAccepting(key, c);
            else closeQuietly(key.channel());
        }
    }

    /**
     * Leaves a listening channel whose accept failed unwatched for ACCEPT_RETRY_DELAY, then watches it again with
     * the same callback, unless the channel was closed or given another callback meanwhile. Retried at once, the
     * accept would fail again and again until some connection closes; closed, the server would be gone.
     */
    private void pauseAccepting(SelectionKey key, Callback accept) {
        if (!key.isValid()) return; // the callback closed it: no retry, and no timer to keep the loop running
        setInterest(key, OP_ACCEPT, false); // the callback stays attached, for the retry to compare
        callLater(ACCEPT_RETRY_DELAY, () -> {
            if (((Callback[]) key.attachment())[slot(OP_ACCEPT)] == accept) setInterest(key, OP_ACCEPT, true);
        });
    }

    /**
     * Calls {@code c}; if it throws an exception, reports it and returns it, else returns null. An
     * InterruptedException sets the interrupt status again, which the callback's throw cleared, so run() ends.
     */
    private Exception call(Callback c, Supplier<String> what) {
        try {
            c.run();
            return null;
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            errors.accept(what.get(), e); // described only now: a description costs, a call should not
            return e;
        }
    }

    /**
     * Makes {@link #run} return at the end of its current iteration; from any thread. If the loop is not running,
     * the next run returns after one iteration, as asyncio's {@code stop()} before {@code run_forever()}: the
     * tasks queued so far, the callbacks of the channels ready now (without waiting) and the timers due. A stop
     * ends one run: the one running when it is made (even if it was ending anyway), else the next.
     */
    public void stop() {
        stopping = true;
        selector.wakeup();
    }

    /** The thread running the loop now, or null if none is: for callers that must not touch a running loop. */
    public Thread runner() {
        return runner.get();
    }

    /** Closes every channel of the loop, and its selector. Call it when the loop is not running. */
    @Override
    public void close() {
        if (!selector.isOpen()) return;
        for (SelectionKey key : selector.keys()) closeQuietly(key.channel());
        closeQuietly(selector);
    }

    /**
     * The loop's selector, for tests and tools that look at what the loop watches: its keys, one per channel
     * registered, with their interest sets and the callbacks attached. Look on the loop's thread (in a callback, or
     * a task handed in with {@link #callSoon}), and change nothing: the loop alone selects and sets interest sets,
     * and keeps its count of watched channels in step with them.
     */
    public Selector selector() {
        return selector;
    }

    /** How many entries the timer queue holds, cancelled ones included: for tests, on the loop's thread. */
    int timerEntries() {
        return timers.size();
    }

    /** How many keys the watched set holds, cancelled ones included: for tests, on the loop's thread. */
    int watchedEntries() {
        return watched.size();
    }

    /** Adds {@code op} to the interest set of {@code key}, or removes it, and keeps the watched set in step. */
    private void setInterest(SelectionKey key, int op, boolean on) {
        try {
            int old = key.interestOps(), ops = on ? old | op : old & ~op;
            if (ops == old) return;
            key.interestOps(ops);
            if (old == 0) watched.add(key);
            else if (ops == 0) watched.remove(key);
        } catch (CancelledKeyException closedMeanwhile) {
            // its channel was closed, maybe by another thread just now: nothing to watch; a recount drops the key
        }
    }

    /** Where the {@code op} callback is in a key's attachment: its bit's position, 0 (OP_READ) to 4 (OP_ACCEPT). */
    private static int slot(int op) {
        return Integer.numberOfTrailingZeros(op);
    }

    private static String name(int op) {
        return op == OP_CONNECT ? "connectable" : op == OP_ACCEPT ? "acceptable"
                : op == OP_READ ? "readable" : "writable";
    }

    /** {@code ops} of {@code key}, or 0 once the key is cancelled, even by another thread just after isValid. */
    private static int opsOf(SelectionKey key, ToIntFunction<SelectionKey> ops) {
        try {
            return key.isValid() ? ops.applyAsInt(key) : 0;
        } catch (CancelledKeyException closedMeanwhile) {
            return 0;
        }
    }

    private static void closeQuietly(Closeable c) {
        try { c.close(); } catch (IOException e) { /* closing was all we wanted: it is closed or gone */ }
    }
}
