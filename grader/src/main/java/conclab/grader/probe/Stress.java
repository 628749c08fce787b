package conclab.grader.probe;

import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;

/**
 * Many threads on the learner's code at once, started together by a barrier so that they really overlap,
 * repeated round after round until a failure shows or the rounds or the time budget run out.
 *
 * <p>A stress property is graded only when its calibration catches the known-wrong versions in 20 of 20
 * runs: a race that shows once in a while is not evidence enough to pass or fail anyone.
 */
public final class Stress {
    private Stress() {}

    /** What one thread of a round does. */
    @FunctionalInterface
    public interface Worker {
        void run(int thread) throws Exception;
    }

    /**
     * Runs {@code threads} platform threads through {@code worker}, all released at the same instant by a
     * barrier, and waits for them ({@link Liveness}: a deadlock or a hang fails with its diagnosis).
     */
    public static void together(String what, int threads, Duration limit, Worker worker) {
        CyclicBarrier gate = new CyclicBarrier(threads);
        Liveness.Task[] tasks = new Liveness.Task[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            tasks[i] = Liveness.task("worker-" + (i + 1), () -> {
                try {
                    gate.await();
                } catch (BrokenBarrierException e) {
                    return; // another worker failed before the start
                }
                worker.run(index);
            });
        }
        Liveness.finish(what, limit, tasks);
    }

    /**
     * Repeats {@code round} (given the round's number from 1) until one returns a failure description, or
     * {@code rounds} rounds are done, or {@code budget} is spent after at least one round.
     *
     * @throws AssertionError with the first failure, saying in which round it showed
     */
    public static void repeat(int rounds, Duration budget, IntFunction<String> round) {
        long end = System.nanoTime() + budget.toNanos();
        for (int r = 1; r <= rounds; r++) {
            String failure = round.apply(r);
            if (failure != null) {
                throw new AssertionError(failure + (r == 1 ? " (in the first run)" : " (in run " + r + "; the "
                        + (r - 1) + " before it were fine: races show only sometimes)"));
            }
            if (System.nanoTime() > end) return;
        }
    }
}
