// fails: keeps-order
// The pages are collected as they arrive, so the faster one comes first.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        List<String> pages = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CompletableFuture<Void> pageA = CompletableFuture.supplyAsync(a, pool).thenAccept(pages::add);
        CompletableFuture<Void> pageB = CompletableFuture.supplyAsync(b, pool).thenAccept(pages::add);
        return CompletableFuture.allOf(pageA, pageB).thenApply(done -> List.copyOf(pages));
    }
}
