package conclab.kernel.hooks;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The calls the engine's agent weaves into a few JDK classes, so that a task belongs to the cell that
 * submitted it and a thread to the cell that started it.
 *
 * <p>The JDK's classes cannot see the engine's, so the agent copies this class into {@code java.base},
 * renamed {@code java.util.concurrent.ConclabHooks} (see {@link conclab.kernel.engine.Agent}). That is why it
 * only uses JDK types, declares no nested class and no lambda, and refers to nothing of the engine: the
 * engine plugs its behaviour into the public fields, and until it does every hook does nothing.
 *
 * <p>Woven calls:
 * <ul>
 * <li>{@link #submitted}: at the start of {@code ThreadPoolExecutor.execute},
 *     {@code ScheduledThreadPoolExecutor.delayedExecute}, {@code ForkJoinPool.poolSubmit} and
 *     {@code externalSubmit}, {@code ForkJoinTask.fork} and {@code Timer.sched};</li>
 * <li>{@link #run}: instead of {@code task.run()} in {@code ThreadPoolExecutor.runWorker} and
 *     {@code TimerThread.mainLoop}; {@link #enter} and {@link #exit} around the body of
 *     {@code ForkJoinTask.doExec};</li>
 * <li>{@link #starting}: at the start of {@code Thread.start()}, {@code Thread.start(ThreadContainer)} (how
 *     executors start threads) and its override in {@code VirtualThread}.</li>
 * </ul>
 */
public final class Hooks {
    private Hooks() {}

    /** (executor or null, task): the calling thread submits the task. */
    public static volatile BiConsumer<Object, Object> onSubmitted;
    /** task → token: the task starts on the calling thread; the token goes to {@link #onExit}. */
    public static volatile Function<Object, Object> onEnter;
    /** token: the task of the token has ended on the calling thread. */
    public static volatile Consumer<Object> onExit;
    /** task: true if it must not run (its cell was interrupted). */
    public static volatile Predicate<Object> onSkip;
    /** (task, throwable): the task threw, and the throwable will end its worker. */
    public static volatile BiConsumer<Object, Object> onFailed;
    /** thread: the calling thread starts it. */
    public static volatile Consumer<Object> onStarting;

    public static void submitted(Object executor, Object task) {
        BiConsumer<Object, Object> h = onSubmitted;
        if (h != null && task != null) h.accept(executor, task);
    }

    public static Object enter(Object task) {
        Function<Object, Object> h = onEnter;
        return h == null ? null : h.apply(task);
    }

    public static void exit(Object token) {
        Consumer<Object> h = onExit;
        if (h != null) h.accept(token);
    }

    public static void starting(Thread thread) {
        Consumer<Object> h = onStarting;
        if (h != null) h.accept(thread);
    }

    /** Runs {@code task} as the task of the cell that submitted it. */
    public static void run(Runnable task) {
        Predicate<Object> skip = onSkip;
        if (skip != null && skip.test(task)) return;
        Object token = enter(task);
        try {
            task.run();
        } catch (Throwable error) {
            BiConsumer<Object, Object> failed = onFailed;
            if (failed != null) failed.accept(task, error);
            throw error;
        } finally {
            exit(token);
        }
    }
}
