// fails: fails-with-the-error
// A failed download becomes an empty page: the caller never learns it failed.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool).exceptionally(e -> "");
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool).exceptionally(e -> "");
        return pageA.thenCombine(pageB, List::of);
    }
}
