// fails: waits-without-spinning
// Shuts the pool down and loops on isTerminated() with a 50 ms awaitTermination in between: a poll that wakes the caller 20 times a second instead of parking once in Future.get() or close().
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/** Counts, on several threads at once, the numbers that pass a test. */
class ParallelCount {
    /**
     * How many of 0, 1, ..., n - 1 pass test. Splits them into `threads` ranges, counts each range on a
     * thread of a pool of `threads` threads, all at the same time, adds up the counts, and shuts the pool
     * down before it returns.
     */
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    long found = 0;
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    return found;
                }));
            }
            pool.shutdown();
            while (!pool.isTerminated()) pool.awaitTermination(50, TimeUnit.MILLISECONDS);
            long total = 0;
            for (Future<Long> part : parts) total += part.get();
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
