package conclab.kernel.engine;

import java.util.Collections;
import java.util.Map;
import java.util.TimerTask;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Ownership of tasks and threads: the engine's side of the hooks the agent weaves into the JDK (see
 * {@link conclab.kernel.hooks.Hooks}).
 *
 * <p>A task belongs to the cell that was current on the thread that submitted it. While a worker runs it,
 * the worker's current cell is the task's (so its output, its failure and its stop checks are the task's
 * cell's), and the worker is listed among the cell's running threads; afterwards the worker's own cell is
 * restored. A thread started while a cell is current is registered with that cell, unless it is one of the
 * JDK's own (a virtual thread's carrier, an innocuous thread, a common-pool worker). TaskOwners whose class is
 * the JDK's internals are never a cell's.
 *
 * <p>Submissions are kept in two maps from task (by identity) to cell: one-shot tasks are removed when they
 * run; repeating ones (periodic scheduled tasks, timer tasks) are kept, weakly. TaskOwners submitted to the
 * virtual-thread scheduler (a virtual thread's continuation) are not tasks of any cell and are ignored.
 * All methods are called by JDK threads at high rates: they do not block (the weak map's lock is held for
 * a lookup only) and never throw.
 */
final class TaskOwners {
    /** A task as a key: identity, not {@code equals}, since a record task may be equal to another one. */
    private record Key(Object task) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.task == task;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(task);
        }
    }

    /** What {@link #enter} hands to {@link #exit}: the worker's cell before the task, and the task's. */
    private record Running(Cell before, Cell task, Thread thread) {}

    private final Map<Key, Cell> oneShot = new ConcurrentHashMap<>();
    private final Map<Object, Cell> repeating = Collections.synchronizedMap(new WeakHashMap<>());
    /** oneShot.size() + repeating.size(), read on the fast path of {@link #enter}. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Reports a task's failure: (cell, throwable), on the failing worker thread. */
    private final BiConsumer<Cell, Throwable> failures;
    /** The virtual-thread scheduler, once seen, so its submissions are ignored at once. */
    private volatile Object virtualScheduler;

    TaskOwners(BiConsumer<Cell, Throwable> failures) {
        this.failures = failures;
    }

    /** Plugs this into the hooks the agent defined in java.base; does nothing without the agent. */
    void install() {
        Class<?> hooks = Agent.hooks;
        if (hooks == null) return;
        try {
            // The order matters little: each hook does nothing until its own field is set.
            hooks.getField("onFailed").set(null, (java.util.function.BiConsumer<Object, Object>) (task, e) -> failed(task, (Throwable) e));
            hooks.getField("onSkip").set(null, (java.util.function.Predicate<Object>) this::skip);
            hooks.getField("onExit").set(null, (java.util.function.Consumer<Object>) this::exit);
            hooks.getField("onEnter").set(null, (java.util.function.Function<Object, Object>) this::enter);
            hooks.getField("onStarting").set(null, (java.util.function.Consumer<Object>) t -> starting((Thread) t));
            hooks.getField("onSubmitted").set(null, (java.util.function.BiConsumer<Object, Object>) this::submitted);
        } catch (ReflectiveOperationException e) {
            Agent.problems.add("cannot install the hooks: " + e);
        }
    }

    void submitted(Object executor, Object task) {
        if (executor != null && isVirtualScheduler(executor)) return;
        Cell cell = Cell.current();
        if (cell == null) return; // a JDK thread, or a worker of no cell: nothing to record
        // The JDK's own tasks, submitted while a cell first uses a feature (an asynchronous channel group
        // starts its event loops on its pool this way), run for the JDK, for ever: not the cell's.
        if (isJdkClass(task.getClass().getName())) return;
        if (task instanceof TimerTask || task instanceof RunnableScheduledFuture<?> r && r.isPeriodic()) {
            if (repeating.put(task, cell) == null) pending.incrementAndGet();
        } else if (oneShot.put(new Key(task), cell) == null) {
            pending.incrementAndGet();
        }
    }

    Object enter(Object task) {
        if (pending.get() == 0) return null; // nothing recorded: the common case of JDK-internal tasks
        Cell cell = oneShot.remove(new Key(task));
        if (cell != null) {
            pending.decrementAndGet();
        } else {
            cell = repeating.get(task);
            if (cell == null) return null;
        }
        Thread thread = Thread.currentThread();
        Cell before = Cell.current();
        Cell.setCurrent(cell);
        cell.running(thread, true);
        return new Running(before, cell, thread);
    }

    void exit(Object token) {
        if (!(token instanceof Running r)) return;
        r.task().running(r.thread(), false);
        Cell.setCurrent(r.before());
    }

    void failed(Object task, Throwable error) {
        if (error instanceof CellStopped) return;
        Cell cell = Cell.current(); // still the task's cell: exit has not run yet
        failures.accept(cell, error);
    }

    boolean skip(Object task) {
        Cell cell = oneShot.get(new Key(task));
        if (cell == null) cell = repeating.get(task);
        if (cell == null || !cell.stopping) return false;
        if (oneShot.remove(new Key(task)) != null) pending.decrementAndGet();
        if (task instanceof Future<?> f) f.cancel(false); // whoever waits for it learns it will not run
        return true;
    }

    void starting(Thread thread) {
        Cell cell = Cell.current();
        if (cell == null || isJdkThread(thread)) return;
        // The JDK starts threads for itself when a cell first uses a feature (Java2D's disposer, HttpClient's
        // selector, the virtual-thread I/O pollers "SubPoller-N"): those are not the learner's. The JDK names
        // its virtual threads; a learner's may be millions of unnamed ones, whose start is not looked into.
        if ((!thread.isVirtual() || !thread.getName().isEmpty()) && startedByTheJdk()) return;
        cell.register(thread);
    }

    private static final StackWalker WALKER = StackWalker.getInstance();

    /**
     * Whether the code that starts a thread, past Thread's own frames, the executors' (a thread-per-task
     * executor starts the JDK's I/O pollers as it starts a learner's tasks) and the hooks, is the JDK's
     * internals.
     */
    static boolean startedByTheJdk() {
        return WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getClassName)
                .filter(c -> !c.startsWith("java.lang.Thread") && !c.startsWith("java.lang.VirtualThread")
                        && !c.startsWith("java.lang.System$") // JavaLangAccess, which executors start threads through
                        && !c.startsWith("java.util.concurrent.") && !c.startsWith("conclab.kernel."))
                .findFirst()
                .map(TaskOwners::isJdkClass)
                .orElse(false));
    }

    /**
     * Whether a class (a lambda's too: it is named after the class that wrote it) is the JDK's internals:
     * its internal packages ({@code jdk.internal.} and the modules' own, as {@code jdk.jfr.internal.}, whose
     * recorder starts "JFR Periodic Tasks" for the JVM's life when a cell first records), and the process reaper
     * (java.lang.ProcessHandleImpl's tasks wait for child processes to exit, for the JDK).
     */
    static boolean isJdkClass(String name) {
        return name.startsWith("sun.") || name.startsWith("com.sun.") || JDK_INTERNAL.matcher(name).lookingAt()
                || name.startsWith("java.lang.ProcessHandleImpl");
    }

    /** jdk.internal.misc.X, jdk.jfr.internal.X, jdk.jfr.internal.consumer.X, ... */
    private static final java.util.regex.Pattern JDK_INTERNAL = java.util.regex.Pattern.compile("jdk\\.([a-z0-9]+\\.)*internal\\.");

    private boolean isVirtualScheduler(Object executor) {
        if (executor == virtualScheduler) return true;
        if (virtualScheduler == null && executor instanceof ForkJoinPool pool
                && pool.getFactory().getClass().getName().startsWith("java.lang.VirtualThread")) {
            virtualScheduler = pool;
            return true;
        }
        return false;
    }

    /** Threads the JDK starts for itself: never a learner's, even when a cell made the JDK start them. */
    static boolean isJdkThread(Thread t) {
        String type = t.getClass().getName();
        if (type.equals("jdk.internal.misc.CarrierThread") || type.equals("jdk.internal.misc.InnocuousThread")) return true;
        return t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool();
    }
}
