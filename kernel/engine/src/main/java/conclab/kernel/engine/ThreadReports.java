package conclab.kernel.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * What the engine says about the learner's threads: the end-of-cell notice, the rows of {@code %threads}
 * and the deadlocks of {@code %deadlocks}.
 *
 * <p>Rows and deadlocks cross to the kernel through JShell's channel as {@link Control.ThreadRow} and
 * {@link Control.DeadlockRow}. The kernel turns their raw stack frames into cell lines.
 */
final class ThreadReports {
    private ThreadReports() {}

    /** How long a cell's end waits, in all, for threads that are just finishing (a pool shutting down). */
    static final Duration SETTLE = Duration.ofMillis(100);
    /** Frames of a thread's stack sent to the kernel. */
    static final int FRAMES = 12;

    /** A thread's name for a learner; unnamed virtual threads are {@code virtual #id}. */
    static String name(Thread t) {
        String n = t.getName();
        return n.isEmpty() ? (t.isVirtual() ? "virtual #" : "thread #") + t.threadId() : n;
    }

    /** Waits for each thread to end, all together at most {@code wait}; returns those still alive. */
    static List<Thread> awaitEnd(List<Thread> threads, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        List<Thread> alive = new ArrayList<>();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left > 0) t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) alive.add(t);
        }
        return alive;
    }

    /**
     * The one-line notice for a cell that ends while threads it owns still run, or null if none do.
     * Threads that are just finishing get {@link #SETTLE} to do so first.
     */
    static String stillRunning(Cell cell, Thread main) {
        List<Thread> live = new ArrayList<>(cell.liveThreads());
        live.remove(main);
        if (live.isEmpty()) return null;
        boolean wasInterrupted = Thread.interrupted(); // a late interrupt must not cut the wait short
        live = awaitEnd(live, SETTLE);
        if (wasInterrupted) Thread.currentThread().interrupt();
        if (live.isEmpty()) return null;
        StringBuilder b = new StringBuilder("[conclab] ").append(live.size())
                .append(live.size() == 1 ? " thread of this cell is" : " threads of this cell are").append(" still running: ");
        int shown = Math.min(live.size(), 6);
        for (int i = 0; i < shown; i++) {
            Thread t = live.get(i);
            b.append(i == 0 ? "" : ", ").append(name(t)).append(" (").append(state(t)).append(')');
        }
        if (live.size() > shown) b.append(" and ").append(live.size() - shown).append(" more");
        return b.append(". %threads lists them, %threads stop stops them.\n").toString();
    }

    static String state(Thread t) {
        return t.getState().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** One row per live learner thread; the engine's main thread (which runs cells) is left out. */
    static ArrayList<Control.ThreadRow> rows(Collection<Cell> cells, Thread main) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ArrayList<Control.ThreadRow> rows = new ArrayList<>();
        Map<Thread, Cell> owner = new HashMap<>();
        for (Cell cell : cells) {
            for (Thread t : cell.liveThreads()) {
                if (t == main) continue;
                if (!owner.containsKey(t) || cell.runsATaskOn(t)) owner.put(t, cell); // a task's cell wins
            }
        }
        owner.entrySet().stream()
                .sorted(Map.Entry.comparingByValue((a, b) -> Long.compare(a.id, b.id)))
                .forEach(e -> {
                    Thread t = e.getKey();
                    ThreadInfo info = t.isVirtual() ? null : mx.getThreadInfo(t.threadId());
                    rows.add(new Control.ThreadRow(e.getValue().id, t.threadId(), name(t), t.isVirtual(), state(t),
                            waitingFor(t, info), t.isDaemon(), top(t.getStackTrace())));
                });
        return rows;
    }

    /** The platform threads in deadlock (on monitors or {@code java.util.concurrent} locks), one row each. */
    static ArrayList<Control.DeadlockRow> deadlocks(Collection<Cell> cells) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.findDeadlockedThreads();
        ArrayList<Control.DeadlockRow> rows = new ArrayList<>();
        if (ids == null) return rows;
        Map<Long, Long> cellOf = new HashMap<>();
        for (Cell cell : cells) for (Thread t : cell.liveThreads()) cellOf.putIfAbsent(t.threadId(), cell.id);
        for (ThreadInfo info : mx.getThreadInfo(ids, true, true, FRAMES)) {
            if (info == null) continue;
            rows.add(new Control.DeadlockRow(cellOf.getOrDefault(info.getThreadId(), EngineWire.NO_CELL), info.getThreadId(),
                    info.getThreadName(), info.getLockName() == null ? "a lock" : shortLock(info.getLockName()),
                    info.getLockOwnerId(), info.getLockOwnerName(), info.getStackTrace()));
        }
        return rows;
    }

    /** What a thread waits for, in words: a lock and its owner, a sleep, a park blocker, or "". */
    static String waitingFor(Thread t, ThreadInfo info) {
        Thread.State state = t.getState();
        if (state == Thread.State.RUNNABLE || state == Thread.State.TERMINATED || state == Thread.State.NEW) return "";
        if (info != null && info.getLockName() != null) {
            String lock = shortLock(info.getLockName());
            return info.getLockOwnerName() == null ? lock : lock + " held by " + info.getLockOwnerName();
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker != null) return shortLock(blocker.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(blocker)));
        StackTraceElement[] stack = t.getStackTrace();
        for (StackTraceElement f : stack) {
            if (f.getClassName().equals("java.lang.Thread") && f.getMethodName().startsWith("sleep")) return "sleep";
            if (f.getClassName().equals("java.lang.Object") && f.getMethodName().equals("wait0")) return "Object.wait";
        }
        return "";
    }

    /** {@code java.util.concurrent.locks.ReentrantLock$NonfairSync@1b2c} reads as {@code ReentrantLock@1b2c}. */
    static String shortLock(String lock) {
        String s = lock.replaceAll("\\$(NonfairSync|FairSync|Sync)(?=@|$)", "")
                .replace("AbstractQueuedSynchronizer$ConditionObject", "Condition");
        int at = s.indexOf('@');
        String cls = at < 0 ? s : s.substring(0, at);
        String simple = cls.substring(cls.lastIndexOf('.') + 1).replace('$', '.');
        return simple + (at < 0 ? "" : s.substring(at));
    }

    private static StackTraceElement[] top(StackTraceElement[] stack) {
        return Arrays.copyOf(stack, Math.min(stack.length, FRAMES));
    }
}
