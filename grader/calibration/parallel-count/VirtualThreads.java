// fails: all-threads
// A virtual thread per range (newVirtualThreadPerTaskExecutor): CPU-bound ranges run on the carrier pool, at most one per processor at once, not on a pool of `threads` threads.
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
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
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
