// fails: no-lost-counts
// Each task counts its range in a local, then adds it to one shared total with total[0] += found, unsynchronised: two ranges that end together lose one's count.
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;

class ParallelCount {
    static long count(int n, int threads, IntPredicate test) throws InterruptedException, ExecutionException {
        long[] total = {0};
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            var fs = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) n * t / threads), to = (int) ((long) n * (t + 1) / threads);
                fs.add(pool.submit(() -> {
                    long found = 0;
                    for (int i = from; i < to; i++) if (test.test(i)) found++;
                    total[0] += found;          // unsynchronised merge: a data race
                }));
            }
            for (var f : fs) f.get();
        }
        return total[0];
    }
}
