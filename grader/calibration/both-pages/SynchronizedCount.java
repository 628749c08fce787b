// fails:
// Correct: the count of the pages that came is a plain int[], but each callback changes and tests it holding one lock that both take: the forced race holds the first callback after its read, the other blocks on the lock, and nothing is lost.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        Object lock = new Object();
        String[] pages = new String[2];
        int[] left = {2}; // guarded by lock
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(a, pool).whenComplete((page, e) -> {
            synchronized (lock) {
                if (e != null) { result.completeExceptionally(e); return; }
                pages[0] = page;
                if (--left[0] == 0) result.complete(List.of(pages[0], pages[1]));
            }
        });
        CompletableFuture.supplyAsync(b, pool).whenComplete((page, e) -> {
            synchronized (lock) {
                if (e != null) { result.completeExceptionally(e); return; }
                pages[1] = page;
                if (--left[0] == 0) result.complete(List.of(pages[0], pages[1]));
            }
        });
        return result;
    }
}
