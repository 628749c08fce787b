package conclab.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pool of child JVMs that run {@link ChildTask}s: Python's {@code multiprocessing.Pool}, in Java.
 *
 * <pre>{@code
 * try (var pool = ProcessPool.start(4)) {
 *     pool.pids()                                             // four processes
 *     Future<String> f = pool.submit(Tasks.Fib.class, "32");  // runs in a child
 *     f.get()                                                 // "2178309"
 *     pool.map(Tasks.Fib.class, List.of("30", "31", "32", "33"))
 * }                                                           // the tasks finish, then the children end
 * }</pre>
 *
 * <p>Each child is a long-lived JVM running {@link ChildMain}, one task at a time; the pool speaks to it
 * through its stdin and stdout, one line per message ({@link Wire}). A JVM takes tens to hundreds of milliseconds
 * to start, depending on the machine (11.9 measures it), so the pool starts its children once and reuses them. A child has this library on its classpath
 * and nothing else, so tasks are library classes (see {@link Jvm}).
 *
 * <p>Inside, it is a thread pool: one thread per child ({@code process-pool-N}) takes tasks from an
 * unbounded queue, borrows an idle child, sends it the task, prints what the task prints (each line marked
 * {@code [child PID]}) and completes the future with the answer. In the course's kernel those threads run
 * each task for the cell that submitted it, so the output of a task appears under that cell.
 *
 * <p>Failures: a task that throws fails its future with a {@link ChildException} that holds the child's
 * stack trace; the child lives on. A child that ends while it runs a task ({@code System.exit}, a crash)
 * fails that future with a {@link ChildException} naming the child and its exit code, and a new child
 * takes its place ({@link #pids} changes). Cancelling a running task with {@code cancel(true)}, or
 * interrupting the thread that waits for it (as the kernel's stop button does), kills its child, which is
 * replaced too: a process cannot be interrupted, but it can be killed.
 *
 * <p>Thread-safe. {@link #close} lets the submitted tasks finish, then ends the children; {@link #terminate}
 * kills them now. No child outlives either, nor this JVM: a child ends when its stdin does.
 */
public final class ProcessPool implements AutoCloseable {
    /** How long {@link #close} lets a child end by itself before it kills it. */
    private static final Duration GRACE = Duration.ofSeconds(5);

    /** One thread per child; each runs a task by borrowing a child from {@link #idle}. */
    private final ExecutorService threads;
    /** The children that run no task. */
    private final BlockingQueue<Child> idle = new LinkedBlockingQueue<>();
    /** Every child started and not yet ended or replaced. */
    private final Set<Child> children = ConcurrentHashMap.newKeySet();
    /** Set by {@link #terminate}: a child that ends is not replaced any more. */
    private volatile boolean terminating;

    private ProcessPool(int n) {
        threads = Executors.newFixedThreadPool(n, Thread.ofPlatform().name("process-pool-", 1).factory());
        try {
            for (int i = 0; i < n; i++) idle.add(newChild());
        } catch (RuntimeException e) {
            terminate();
            throw e;
        }
    }

    /** Starts a pool of {@code n} child JVMs; returns at once, while they start. */
    public static ProcessPool start(int n) {
        if (n < 1) throw new IllegalArgumentException("n < 1: " + n);
        return new ProcessPool(n);
    }

    /** Starts a pool of as many child JVMs as this machine has processors. */
    public static ProcessPool start() {
        return start(Runtime.getRuntime().availableProcessors());
    }

    /**
     * Runs {@code task} on {@code input} in a child, when one is free. The future's {@code get} returns the
     * answer or throws an {@link ExecutionException} whose cause is a {@link ChildException}.
     * Throws {@link IllegalArgumentException} if {@code task} is not a class of this library, and
     * {@link java.util.concurrent.RejectedExecutionException} after {@link #close} or {@link #terminate}.
     */
    public Future<String> submit(Class<? extends ChildTask> task, String input) {
        if (!Jvm.canRun(task)) throw new IllegalArgumentException(task.getName()
                + " is not a class of the course library, so a child JVM cannot load it (classes of notebook cells exist only in the notebook's JVM)");
        String name = task.getName();
        return threads.submit(() -> run(name, input));
    }

    /**
     * Runs {@code task} on every input, in the children, and returns the answers in the order of the inputs.
     * Throws the {@link ChildException} of the first input that failed (the other tasks still run). If
     * interrupted, cancels all the tasks (killing the children that run them) and throws
     * {@link conclab.threads.Threads.Interrupted}, with the interrupt status set.
     */
    public List<String> map(Class<? extends ChildTask> task, List<String> inputs) {
        List<Future<String>> futures = inputs.stream().map(input -> submit(task, input)).toList();
        List<String> answers = new ArrayList<>();
        try {
            for (Future<String> f : futures) answers.add(f.get());
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new conclab.threads.Threads.Interrupted(e);
        }
        return answers;
    }

    /** What a pool thread does for one task: borrow a child, run the task in it, give back a live child. */
    private String run(String task, String input) throws InterruptedException {
        Child child = idle.take();
        try {
            return child.call(task, input);
        } finally {
            if (child.process.isAlive()) idle.add(child);
            else replace(child);
        }
    }

    /** Forgets a child that has ended; starts a new one in its place unless the pool is terminating. */
    private void replace(Child ended) {
        children.remove(ended);
        if (!terminating) idle.add(newChild());
    }

    private Child newChild() {
        Child child = new Child();
        children.add(child);
        return child;
    }

    /** The process ids of the children, in ascending order; empty once the pool is closed. */
    public List<Long> pids() {
        return children.stream().map(Child::pid).sorted().toList();
    }

    /**
     * Waits until every submitted task has finished, then ends the children: closes their stdin, and kills
     * those that have not ended within 5 s. If interrupted while it waits, it {@linkplain #terminate
     * terminates} the pool instead, and keeps the interrupt status.
     */
    @Override
    public void close() {
        threads.shutdown();
        try {
            while (!threads.awaitTermination(1, TimeUnit.DAYS)) continue;
        } catch (InterruptedException e) {
            terminate();
            Thread.currentThread().interrupt();
            return;
        }
        children.forEach(child -> child.end(GRACE));
        children.clear();
    }

    /** Cancels the tasks not yet started, and kills every child now, failing the futures of the running tasks. */
    public void terminate() {
        terminating = true;
        for (Runnable queued : threads.shutdownNow()) ((Future<?>) queued).cancel(false);
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS); // its threads kill the children they wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(child -> Jvm.kill(child.process));
        children.clear();
    }

    @Override
    public String toString() {
        return "ProcessPool" + pids();
    }
}
