package conclab.kernel.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

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
 * one of its tasks right now ({@link #running}); both come from the agent's hooks (see {@link TaskOwners}).
 *
 * <p>Output accounting: {@link #admit} decides whether one more line of output may be forwarded, so that
 * a flood of output cannot swamp the notebook. Counters are atomic; the thread sets have their own locks.
 */
public final class Cell {
    private static final InheritableThreadLocal<Cell> CURRENT = new InheritableThreadLocal<>();

    /**
     * The kernel's id for this cell. A cell of the learner's is never {@link EngineWire#NO_CELL}; the code every
     * session starts with (imports, plug-ins' code, {@code CONCLAB_STARTUP}) runs as that id, so threads it starts
     * belong to no cell and their output is routed as ownerless output is.
     */
    public final long id;

    /** Set once, by an interrupt; read by the stop checks. */
    volatile boolean stopping;

    private final long maxLines;
    private final long maxChars;
    /** Lines and characters forwarded to the notebook so far; guarded by {@code this}. */
    private long lines, chars;
    /** Lines and characters dropped past the limit, and the drops already reported; guarded by {@code this}. */
    private long droppedLines, droppedChars, reportedLines, reportedChars;

    /** Threads started while this cell was current; guarded by itself. */
    private final Set<Thread> started = Collections.newSetFromMap(new WeakHashMap<>());
    /** Threads running a task of this cell now, with how deep (a task may run a task of its own). */
    private final Map<Thread, Integer> runningTasks = new ConcurrentHashMap<>();

    /** A cell that shows at most {@code maxLines} lines and {@code maxChars} characters of output. */
    Cell(long id, long maxLines, long maxChars) {
        this.id = id;
        this.maxLines = maxLines;
        this.maxChars = maxChars;
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
     * Counts a chunk of output against this cell's limits and returns what of it may be shown: all of it, its
     * first part (up to the limit of lines or of characters, whichever comes first), or "" once a limit is
     * reached. What is not shown is counted for {@link #dropNotice}. A line counts from its first character,
     * so a chunk without newline is part of one line.
     */
    synchronized String admit(String text) {
        int cut = 0, newlines = 0;                     // newlines: those in text[0, cut)
        long lineRoom = maxLines - lines, charRoom = maxChars - chars;
        if (lineRoom > 0 && charRoom > 0) {
            cut = (int) Math.min(text.length(), charRoom);
            for (int i = 0; i < cut; i++) {
                if (text.charAt(i) == '\n' && ++newlines == lineRoom) {
                    cut = i + 1;                       // the last line allowed, with its newline
                    break;
                }
            }
            if (cut < text.length() && cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) cut--;
        }
        String shown = text.substring(0, cut), rest = text.substring(cut);
        lines += newlines;                             // a high surrogate held back is not a newline
        chars += shown.length();
        if (!rest.isEmpty()) {
            droppedLines += Math.max(newlines(rest), 1);
            droppedChars += rest.length();
            chars = maxChars;                          // once anything is dropped, nothing more is shown
        }
        return shown;
    }

    private static int newlines(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    /**
     * If output was dropped since the last call, returns the notice to show (one line, ending in a newline);
     * otherwise null.
     */
    synchronized String dropNotice() {
        if (droppedLines == reportedLines && droppedChars == reportedChars) return null;
        reportedLines = droppedLines;
        reportedChars = droppedChars;
        return String.format("[conclab] output limit reached: %,d more lines (%,d characters) of this cell were not"
                        + " shown. A cell shows at most %,d lines and %,d characters; print less, or write to a file.%n",
                droppedLines, droppedChars, maxLines, maxChars);
    }

    @Override
    public String toString() {
        return "cell " + id + (stopping ? " (stopping)" : "");
    }
}
