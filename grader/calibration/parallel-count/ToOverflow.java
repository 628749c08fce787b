// fails: exact
// Misplaced cast in the upper bound: (int) ((long) n * (t + 1)) / threads casts the product back to int before dividing; for n = 150 000 000 the last two ranges get a negative end and are never tested (no number outside 0..n-1 is tested, so the check does not see it).
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
        // BEGIN SOLUTION
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1)) / threads;
                parts.add(pool.submit(() -> {
                    long found = 0; // this range's own count: nothing shared
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    return found;
                }));
            }
            long total = 0;
            for (Future<Long> part : parts) total += part.get(); // waits for each range in turn
            return total;
        } // close(): the pool's threads end
        // END SOLUTION
    }
}
