// fails:
// Correct too: each task writes its range's count into its own element parts[t]; the caller adds the parts up after get() on every future (which orders the writes before the reads).
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
        long[] parts = new long[threads];
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads), index = t;
                done.add(pool.submit(() -> {
                    for (int i = from; i < to; i++) if (test.test(i)) parts[index]++;
                }));
            }
            for (Future<?> d : done) d.get();
        }
        long total = 0;
        for (long part : parts) total += part;
        return total;
    }
}
