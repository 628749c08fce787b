package conclab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.dflib.jjava.jupyter.messages.Message;

/**
 * One execution of a cell: the request it answers, and the output waiting to be published under it.
 *
 * <p>A run outlives its execution: threads the cell started may print long after, and their output is
 * still published with this run's request as parent, so it appears under the same cell.
 *
 * <p>Output is kept as an ordered list of (stream, text) chunks, guarded by this; {@link Outputs} takes it
 * and publishes it under the same lock, so the order of stream messages is the order of writes.
 */
final class CellRun {
    /** The kernel's id for this run, also the engine's cell id; never 0. */
    final long id;
    final int executionCount;
    final Message<?> request;
    /** A silent run publishes nothing but its reply (protocol: {@code silent: true}). */
    final boolean silent;
    final boolean allowStdin;
    /** Counted down when the execution (not the cell's threads) is over. */
    final CountDownLatch done = new CountDownLatch(1);

    /** Why the run is being stopped, or null; set by an interrupt or a timeout. */
    volatile String stopReason;
    /** The cell's own time limit ({@code %%timeout}), or null; written before the limit's timer is scheduled. */
    volatile java.time.Duration cellLimit;
    /** Set when the engine had to be killed to stop this run. */
    volatile boolean engineKilled;
    /**
     * Whether the engine is running code for this run now; the shell thread sets it around each evaluation.
     * A stop kills the engine only then: a magic's own work (a check) runs in the kernel, and killing the
     * engine would not stop it, only lose the learner's variables.
     */
    volatile boolean inEngine;

    private final List<String> pending = new ArrayList<>();
    /** Payloads of the reply ({@code page} from {@code %help}); written and read on the shell thread only. */
    private final List<java.util.Map<String, Object>> payloads = new ArrayList<>();

    CellRun(long id, int executionCount, Message<?> request, boolean silent, boolean allowStdin) {
        this.id = id;
        this.executionCount = executionCount;
        this.request = request;
        this.silent = silent;
        this.allowStdin = allowStdin;
    }

    /** Adds a pager payload to the reply: {@code text} shown in the frontend's pager (JupyterLab: under the cell). */
    void page(String text) {
        payloads.add(java.util.Map.of("source", "page", "data", java.util.Map.of("text/plain", text), "start", 0));
    }

    /** The reply's payloads, in the order they were added. */
    List<java.util.Map<String, Object>> payloads() {
        return List.copyOf(payloads);
    }

    /** Queues text for {@code stream} ("stdout" or "stderr"). */
    synchronized void append(String stream, String text) {
        if (silent || text.isEmpty()) return;
        int n = pending.size();
        if (n > 0 && pending.get(n - 2).equals(stream)) {
            pending.set(n - 1, pending.get(n - 1) + text);
        } else {
            pending.add(stream);
            pending.add(text);
        }
    }

    /** Takes the queued chunks: alternating stream names and texts. Call with this run's lock held. */
    List<String> takePending() {
        if (pending.isEmpty()) return List.of();
        List<String> taken = new ArrayList<>(pending);
        pending.clear();
        return taken;
    }

    boolean isStopping() {
        return stopReason != null;
    }

    boolean isDone() {
        return done.getCount() == 0;
    }
}
