// fails:
// Correct: thenCombineAsync(b, List::of, pool): the pages are combined by a step handed to the pool passed in, so the future completes on one of its threads, not on the one that finished the last download.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        return pageA.thenCombineAsync(pageB, List::of, pool);
    }
}
