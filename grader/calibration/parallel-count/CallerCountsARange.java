// fails: all-threads
// The caller counts the last range itself while a pool of threads - 1 threads counts the others: `threads` threads
// test numbers at once, but the caller does not wait without running, and the pool is not of `threads` threads.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

class ParallelCount {
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads - 1))) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads - 1; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
                parts.add(pool.submit(() -> {
                    long found = 0;
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    return found;
                }));
            }
            long total = 0;
            for (int i = (int) ((long) n * (threads - 1) / threads); i < n; i++) if (test.test(i)) total++;
            for (Future<Long> part : parts) total += part.get();
            return total;
        }
    }
}
