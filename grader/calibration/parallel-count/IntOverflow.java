// fails: exact
// Computes the range bounds in int, n * t / threads: for n = 150 000 000 and t = 15, n * t is above 2^31 - 1, overflows and goes negative.
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntPredicate;

class ParallelCount {
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Long>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int from = n * t / threads, to = n * (t + 1) / threads;
                parts.add(pool.submit(() -> {
                    long found = 0;
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    return found;
                }));
            }
            long total = 0;
            for (Future<Long> part : parts) total += part.get();
            return total;
        }
    }
}
