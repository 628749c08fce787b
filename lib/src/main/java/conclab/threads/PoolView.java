package conclab.threads;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live view of a {@link ThreadPoolExecutor}: its threads (core, maximum, started, busy), its queue, and
 * how many tasks it completed, and what became of the tasks it rejected: refused, run by the caller, or
 * discarded. The value of a notebook cell, or of {@code display} and
 * {@code updateDisplay}, it draws the pool as a small table, one square per thread and per queue place.
 *
 * <pre>{@code
 * var pool = new ThreadPoolExecutor(2, 4, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(2));
 * var view = PoolView.of(pool);
 * String id = display(view);
 * pool.execute(task);
 * updateDisplay(id, view);          // the table again, as the pool is now
 * System.out.println(view);         // threads 1 (core 2, max 4), active 1, queue 0/2, completed 0, refused 0
 * }</pre>
 *
 * <p>The pool does not count rejected tasks, so {@link #of} replaces its {@link RejectedExecutionHandler}
 * with one that calls the handler the pool had and counts what it did with the task: <em>refused</em> it
 * (threw, as {@link ThreadPoolExecutor.AbortPolicy} does), <em>ran it on the caller's thread</em>
 * ({@link ThreadPoolExecutor.CallerRunsPolicy} while the pool runs), or returned without either:
 * <em>discarded</em> ({@link ThreadPoolExecutor.DiscardPolicy}; {@link ThreadPoolExecutor.DiscardOldestPolicy},
 * which drops an older task in its place; {@code CallerRunsPolicy} after shutdown, silently). To see that a
 * {@code CallerRunsPolicy} ran the task, the view hands it the task wrapped in a {@code Runnable} that notes
 * when it starts; any other handler gets the task itself, and a handler of your own that returns without
 * throwing is counted as discarding the task, whatever it did. Setting another handler on the pool afterwards
 * stops the counts. Every other figure is read from the pool when a {@link #snapshot} is
 * taken: the pool's own counts are exact when no task starts or ends meanwhile, and approximate otherwise
 * (a thread that has been started and has not yet begun its first task is not "active").
 *
 * <p>Thread-safe: a view holds no state besides the pool and the three counts, atomics.
 */
public final class PoolView {
    /** How many squares a row draws at most; a larger size is written as a number only. */
    private static final int MAX_SQUARES = 24;

    /**
     * The pool at one moment: its core and maximum sizes, the threads it has and how many of them run a
     * task, the tasks in its queue and the queue's capacity (-1 for an unbounded one), the tasks it has
     * completed, the rejected tasks it refused, ran on the caller's thread and discarded (see the class
     * comment), and its run state ({@code RUNNING}, {@code SHUTDOWN}, {@code TERMINATED}).
     */
    public record Snapshot(int core, int max, int threads, int active, int queued, int capacity, long completed,
            long refused, long ranByCaller, long discarded, String state) {
        /**
         * "threads 2 (core 2, max 4), active 2, queue 1/2, completed 0, refused 0", then "ran by caller n" and
         * "discarded n" unless 0, and the state unless RUNNING.
         */
        @Override
        public String toString() {
            return "threads " + threads + " (core " + core + ", max " + (max == Integer.MAX_VALUE ? "unlimited" : max)
                    + "), active " + active + ", queue " + queued + (capacity < 0 ? " (unbounded)" : "/" + capacity)
                    + ", completed " + completed + ", refused " + refused + (ranByCaller == 0 ? "" : ", ran by caller " + ranByCaller)
                    + (discarded == 0 ? "" : ", discarded " + discarded) + ("RUNNING".equals(state) ? "" : ", " + state);
        }
    }

    private final ThreadPoolExecutor pool;
    /** Rejected tasks the handler refused (threw for) since the view was made. */
    private final AtomicLong refused = new AtomicLong();
    /** Rejected tasks the handler ran on the thread that called {@code execute}, since the view was made. */
    private final AtomicLong ranByCaller = new AtomicLong();
    /** Rejected tasks the handler neither refused nor ran, since the view was made. */
    private final AtomicLong discarded = new AtomicLong();

    private PoolView(ThreadPoolExecutor pool) {
        this.pool = pool;
        RejectedExecutionHandler handler = pool.getRejectedExecutionHandler();
        pool.setRejectedExecutionHandler((task, executor) -> count(handler, task, executor));
    }

    /** Calls {@code handler} with the rejected task and counts what it did with it (see the class comment). */
    private void count(RejectedExecutionHandler handler, Runnable task, ThreadPoolExecutor executor) {
        Thread caller = Thread.currentThread();
        Thread[] startedOn = new Thread[1];                 // the thread that started the task, if the handler ran it
        Runnable given = !(handler instanceof ThreadPoolExecutor.CallerRunsPolicy) ? task : () -> {
            startedOn[0] = Thread.currentThread();
            task.run();
        };
        try {
            handler.rejectedExecution(given, executor);
        } catch (RuntimeException | Error e) {
            (startedOn[0] == caller ? ranByCaller : refused).incrementAndGet();   // the task itself may have thrown
            throw e;
        }
        (startedOn[0] == caller ? ranByCaller : discarded).incrementAndGet();
    }

    /** A view of {@code pool}, counting its rejections from now on (see the class comment). */
    public static PoolView of(ThreadPoolExecutor pool) {
        if (pool == null) throw new NullPointerException("pool is null: pass the ThreadPoolExecutor to watch");
        return new PoolView(pool);
    }

    /** The pool watched. */
    public ThreadPoolExecutor pool() {
        return pool;
    }

    /** Rejected tasks the handler refused by throwing (as {@code AbortPolicy} does), since the view was made. */
    public long refused() {
        return refused.get();
    }

    /** Rejected tasks the handler ran on the thread that called {@code execute} ({@code CallerRunsPolicy}). */
    public long ranByCaller() {
        return ranByCaller.get();
    }

    /**
     * Rejected tasks the handler returned from without running them or throwing: for each, one task lost
     * silently (with {@code DiscardOldestPolicy}, an older task in its place).
     */
    public long discarded() {
        return discarded.get();
    }

    /** The pool as it is now. */
    public Snapshot snapshot() {
        int queued = pool.getQueue().size();
        int remaining = pool.getQueue().remainingCapacity();
        int capacity = remaining == Integer.MAX_VALUE || queued + (long) remaining >= Integer.MAX_VALUE ? -1 : queued + remaining;
        String state = pool.isTerminated() ? "TERMINATED" : pool.isShutdown() ? "SHUTDOWN" : "RUNNING";
        return new Snapshot(pool.getCorePoolSize(), pool.getMaximumPoolSize(), pool.getPoolSize(), pool.getActiveCount(),
                queued, capacity, pool.getCompletedTaskCount(), refused.get(), ranByCaller.get(), discarded.get(), state);
    }

    /** For the notebook: the pool as an HTML table, and {@link #toString()} as text. */
    public Map<String, String> mimeBundle() {
        Snapshot s = snapshot();
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", html(s));
        bundle.put("text/plain", s.toString());
        return bundle;
    }

    /** The pool as it is now, in one line: see {@link Snapshot#toString()}. */
    @Override
    public String toString() {
        return snapshot().toString();
    }

    /** The table: threads (busy, idle, not started up to the core size, then up to the maximum), queue, counts. */
    static String html(Snapshot s) {
        StringBuilder threads = new StringBuilder();
        int squares = s.max() <= MAX_SQUARES ? s.max() : s.threads() <= MAX_SQUARES ? s.threads() : 0;
        for (int i = 0; i < squares; i++) {
            String fill = i < s.active() ? "#3b78c2" : i < s.threads() ? "#b9d3f0" : "white";
            threads.append(square(fill, i == s.core() && s.core() > 0 ? "margin-left:6px;" : "", i < s.core() ? "solid" : "dashed"));
        }
        threads.append(" ").append(s.threads()).append(" started, ").append(s.active()).append(" busy (core ").append(s.core())
                .append(", max ").append(s.max() == Integer.MAX_VALUE ? "unlimited" : s.max()).append(")");
        StringBuilder queue = new StringBuilder();
        if (s.capacity() < 0) {
            queue.append(s.queued()).append(" waiting (unbounded)");
        } else if (s.capacity() == 0) {
            queue.append("no places: each task is handed to a thread");
        } else {
            if (s.capacity() <= MAX_SQUARES) {
                for (int i = 0; i < s.capacity(); i++) queue.append(square(i < s.queued() ? "#e8a33d" : "white", "", "solid"));
            }
            queue.append(" ").append(s.queued()).append(" of ").append(s.capacity()).append(" places");
        }
        return "<table style=\"border-collapse:collapse;font-family:sans-serif;font-size:13px\">"
                + row("threads", threads) + row("queue", queue) + row("completed", s.completed())
                + row("rejected", s.refused() + " refused, " + s.ranByCaller() + " ran by the caller, " + s.discarded() + " discarded")
                + row("state", s.state()) + "</table>";
    }

    private static String square(String fill, String extra, String border) {
        return "<span style=\"display:inline-block;width:14px;height:14px;margin-right:2px;vertical-align:middle;"
                + "border:1px " + border + " #555;background:" + fill + ";" + extra + "\"></span>";
    }

    private static String row(String name, Object value) {
        return "<tr><th style=\"text-align:left;padding:2px 8px\">" + name + "</th><td style=\"text-align:left;padding:2px 8px\">"
                + value + "</td></tr>";
    }
}
