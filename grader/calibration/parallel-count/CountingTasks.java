// fails:
// Correct too: each range is a Callable object of a class of its own that counts into its own field, written once per number that passes, and returns it; the caller adds up the futures.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

/** Counts, on several threads at once, the numbers that pass a test. */
class ParallelCount {
    /** One range's count, kept in a field of its own. */
    static final class Range implements Callable<Long> {
        private final int from, to;
        private final IntPredicate test;
        private long found;

        Range(int from, int to, IntPredicate test) {
            this.from = from;
            this.to = to;
            this.test = test;
        }

        @Override
        public Long call() {
            for (int i = from; i < to; i++) if (test.test(i)) found++;
            return found;
        }
    }

    /**
     * How many of 0, 1, ..., n - 1 pass test. Splits them into `threads` ranges, counts each range on a
     * thread of a pool of `threads` threads, all at the same time, adds up the counts, and shuts the pool
     * down before it returns.
     */
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                parts.add(pool.submit(new Range((int) ((long) n * t / threads), (int) ((long) n * (t + 1) / threads), test)));
            }
            long total = 0;
            for (Future<Long> part : parts) total += part.get();
            return total;
        }
    }
}
