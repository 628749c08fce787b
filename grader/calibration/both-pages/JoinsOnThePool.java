// fails: waits-on-no-thread
// A third task on the pool joins the two downloads: the caller is free, but a pool thread sits blocked.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        return CompletableFuture.supplyAsync(() -> List.of(pageA.join(), pageB.join()), pool);
    }
}
