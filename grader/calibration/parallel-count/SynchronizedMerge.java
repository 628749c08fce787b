// fails:
// Correct too: each task counts its range in a local and adds it to one shared total inside synchronized (lock); the caller reads the total after get() on every future.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/** Counts, on several threads at once, the numbers that pass a test. */
class ParallelCount {
    /**
     * How many of 0, 1, ..., n - 1 pass test. Splits them into `threads` ranges, counts each range on a
     * thread of a pool of `threads` threads, all at the same time, adds up the counts, and shuts the pool
     * down before it returns.
     */
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        Object lock = new Object();
        long[] total = {0};
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    long found = 0;
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    synchronized (lock) {
                        total[0] += found;
                    }
                }));
            }
            for (Future<?> part : parts) part.get();
        }
        synchronized (lock) {
            return total[0];
        }
    }
}
