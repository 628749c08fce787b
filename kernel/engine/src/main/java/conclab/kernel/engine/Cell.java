package conclab.kernel.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's view of one executed notebook cell: the owner of the threads it started and of their output.
 *
 * <p>A thread belongs to the cell that was current on the thread that created it: ownership is an
 * {@link InheritableThreadLocal}, set on the engine's main thread when a cell begins and copied into every
 * thread created from then on (platform or virtual), and from those into theirs.
 *
 * <p>A cell is <em>stopping</em> once the kernel asked to interrupt it; from then on the stop checks
 * compiled into snippet code throw {@link CellStopped} in every thread the cell owns. The flag is never
 * cleared: an interrupted cell's threads must not run on.
 *
 * <p>A cell keeps the threads it started (weakly, {@link #register}) and knows which threads are running
 * one of its tasks right now ({@link #running}); both come from the agent's hooks (see {@link Tasks}).
 *
 * <p>Output accounting: {@link #admit} decides whether one more line of output may be forwarded, so that
 * a flood of output cannot swamp the notebook. Counters are atomic; the thread sets have their own locks.
 */
public final class Cell {
    private static final InheritableThreadLocal<Cell> CURRENT = new InheritableThreadLocal<>();

    /** The kernel's id for this cell; never {@link Wire#NO_CELL}. */
    public final long id;

    /** Set once, by an interrupt; read by the stop checks. */
    volatile boolean stopping;

    private final long maxLines;
    private final long maxBytes;
    /** Lines and bytes forwarded to the notebook so far. */
    private final AtomicLong lines = new AtomicLong(), bytes = new AtomicLong();
    /** Lines and bytes dropped past the limit, and how many of those were already reported. */
    private final AtomicLong droppedLines = new AtomicLong(), droppedBytes = new AtomicLong();
    private final AtomicLong reportedDrops = new AtomicLong();

    /** Threads started while this cell was current; guarded by itself. */
    private final Set<Thread> started = Collections.newSetFromMap(new WeakHashMap<>());
    /** Threads running a task of this cell now, with how deep (a task may run a task of its own). */
    private final Map<Thread, Integer> runningTasks = new ConcurrentHashMap<>();

    Cell(long id, long maxLines, long maxBytes) {
        this.id = id;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /** The cell that owns the calling thread, or null for threads no cell started. */
    public static Cell current() {
        return CURRENT.get();
    }

    /** Makes {@code cell} the owner of the calling thread (and of the threads it will create). */
    static void setCurrent(Cell cell) {
        CURRENT.set(cell);
    }

    public boolean isStopping() {
        return stopping;
    }

    /** Records a thread this cell started. */
    void register(Thread thread) {
        synchronized (started) {
            started.add(thread);
        }
    }

    /** Records that {@code thread} starts ({@code true}) or ends ({@code false}) running a task of this cell. */
    void running(Thread thread, boolean on) {
        runningTasks.merge(thread, on ? 1 : -1, (a, b) -> a + b == 0 ? null : a + b);
    }

    boolean runsATaskOn(Thread thread) {
        return runningTasks.containsKey(thread);
    }

    /** The live threads this cell owns: those it started, and those running its tasks now. */
    List<Thread> liveThreads() {
        Set<Thread> live = new LinkedHashSet<>();
        synchronized (started) {
            for (Thread t : started) if (t.isAlive()) live.add(t);
        }
        for (Thread t : runningTasks.keySet()) if (t.isAlive()) live.add(t);
        return new ArrayList<>(live);
    }

    /**
     * Counts one chunk of output of {@code lineCount} lines and {@code byteCount} bytes against this cell's
     * limit. Returns true if it may be forwarded; false if it must be dropped (and then it is counted).
     */
    boolean admit(int lineCount, int byteCount) {
        long l = lines.addAndGet(lineCount), b = bytes.addAndGet(byteCount);
        if (l <= maxLines && b <= maxBytes) return true;
        droppedLines.addAndGet(lineCount);
        droppedBytes.addAndGet(byteCount);
        return false;
    }

    /**
     * If output was dropped since the last call, returns the notice to show (one line, ending in a newline);
     * otherwise null.
     */
    String dropNotice() {
        long dropped = droppedLines.get();
        long before = reportedDrops.getAndSet(dropped);
        if (dropped == before) return null;
        return String.format("[conclab] output limit reached: %,d more lines (%,d KB) of this cell were not shown."
                        + " A cell shows at most %,d lines; print less, or write to a file.%n",
                dropped, droppedBytes.get() / 1024, maxLines);
    }

    @Override
    public String toString() {
        return "cell " + id + (stopping ? " (stopping)" : "");
    }
}
