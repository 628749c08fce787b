package conclab.threads;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of worker threads taking tasks from one unbounded queue: the smallest correct thread pool,
 * to read next to {@link java.util.concurrent.ThreadPoolExecutor}.
 *
 * <pre>{@code
 * try (var pool = new SimplePool(4)) {
 *     Future<Long> f = pool.submit(() -> fib(30));
 *     f.get();        // the result, or an ExecutionException with what the task threw
 * }                   // close: no new tasks, the queued ones run, the workers end
 * }</pre>
 *
 * <p>It is an {@link java.util.concurrent.ExecutorService}: {@code submit} (inherited from
 * {@link AbstractExecutorService}) wraps a task in a {@link java.util.concurrent.FutureTask} and queues it.
 * The queue is unbounded, so {@link #execute} never blocks, and it rejects tasks only after shutdown, with
 * {@link RejectedExecutionException}. {@link #shutdown} lets the workers run every queued task, then they
 * end; {@link #shutdownNow} takes the queued tasks out, returns them, and interrupts the workers;
 * {@code close} (inherited) is shutdown, then waiting until the workers have ended. The workers are
 * platform threads named {@code simple-pool-1} to {@code simple-pool-N}, started by the constructor. A
 * {@code Runnable} passed to {@code execute} that throws goes to its worker's uncaught-exception handler,
 * and the worker lives on.
 *
 * <p>The algorithm: <em>poison pills</em>. Shutdown puts one pill per worker at the end of the queue, and
 * a worker that takes a pill ends; the queue is FIFO, so every task queued before shutdown is taken first.
 * The pool's monitor makes "not shut down, so queue the task" atomic against "mark shut down, queue the
 * pills", so no task can land behind the pills. The class is thread-safe; as with every executor, what a
 * thread does before submitting a task happens-before the task runs.
 *
 * <p>In the course's kernel the workers belong to the cell that created the pool, so the output of every
 * task appears under that cell (the kernel follows the tasks of the JDK's pools only).
 *
 * <p>What {@code ThreadPoolExecutor} adds, and why:
 * <ul>
 * <li><b>core and maximum sizes</b>: threads start on demand, and beyond the core size only when a bounded
 *     queue is full, so a pool grows with bursts instead of holding N threads from the start;
 * <li><b>bounded queues and rejection policies</b> (abort, caller-runs, discard, discard-oldest):
 *     back-pressure instead of a queue that grows until memory runs out;
 * <li><b>keep-alive</b>: threads above the core size (or all of them) end after idling that long;
 * <li><b>a {@code ThreadFactory}</b>: names, daemon status, priority, or virtual threads;
 * <li><b>one atomic state word, {@code ctl}</b>: run state and worker count in one {@code int}, changed by
 *     compare-and-set, so {@code execute} queues a task without taking a pool lock; a {@code mainLock} is
 *     taken to add or remove a worker, and by shutdown, termination and the statistics getters
 *     ({@code getPoolSize}, {@code getActiveCount}, {@code getCompletedTaskCount}, ...);
 * <li><b>finer shutdown</b>: {@code shutdown} interrupts idle workers only (each worker is a small lock
 *     held while it runs a task), and a worker killed by a task's exception is replaced;
 * <li><b>hooks and statistics</b>: {@code beforeExecute}, {@code afterExecute}, {@code terminated};
 *     completed-task counts, largest pool size.
 * </ul>
 */
public final class SimplePool extends AbstractExecutorService {
    /** The poison pill: a worker that takes it ends. */
    private static final Runnable STOP = () -> {};

    /** Tasks waiting for a worker, then the pills. Unbounded. */
    private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    /** The workers; never changes after the constructor. */
    private final List<Thread> workers = new ArrayList<>();
    /** Whether shutdown has begun; guarded by this. Once true, only pills enter the queue. */
    private boolean shutdown;

    /** Starts a pool of {@code threads} workers. */
    public SimplePool(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads < 1: " + threads);
        for (int i = 1; i <= threads; i++) workers.add(Thread.ofPlatform().name("simple-pool-" + i).unstarted(this::work));
        workers.forEach(Thread::start);
    }

    /** A worker's loop: take a task, run it, until a pill. */
    private void work() {
        while (true) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                continue; // shutdownNow, or an interrupt left over from a task: pills decide when to end
            }
            if (task == STOP) return;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
    }

    /** Queues {@code task}; throws {@link RejectedExecutionException} after shutdown. */
    @Override
    public synchronized void execute(Runnable task) {
        if (task == null) throw new NullPointerException();
        if (shutdown) throw new RejectedExecutionException("the pool is shut down");
        queue.add(task);
    }

    /** Rejects new tasks; the queued ones still run, then the workers end. Does not wait: see {@link #awaitTermination}. */
    @Override
    public synchronized void shutdown() {
        if (shutdown) return;
        shutdown = true;
        workers.forEach(w -> queue.add(STOP));
    }

    /** Rejects new tasks, removes and returns the queued ones, and interrupts the workers. Does not wait. */
    @Override
    public synchronized List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> queued = new ArrayList<>();
        queue.drainTo(queued);
        queued.removeIf(task -> task == STOP);
        workers.forEach(w -> queue.add(STOP));
        workers.forEach(Thread::interrupt);
        return queued;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    /** Whether every worker thread has terminated. */
    @Override
    public boolean isTerminated() {
        return workers.stream().noneMatch(Thread::isAlive);
    }

    /** Waits until every worker thread has terminated or the timeout passes; returns whether they all have. */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long start = System.nanoTime(), nanos = unit.toNanos(timeout); // nanos - elapsed cannot overflow
        for (Thread w : workers) if (!w.join(Duration.ofNanos(nanos - (System.nanoTime() - start)))) return false;
        return true;
    }
}
