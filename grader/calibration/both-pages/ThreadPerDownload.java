// fails: runs-on-the-pool
// A new virtual thread per download: at once and in order, but the pool passed in is never used.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = new CompletableFuture<>(), pageB = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try { pageA.complete(a.get()); } catch (Throwable t) { pageA.completeExceptionally(t); }
        });
        Thread.ofVirtual().start(() -> {
            try { pageB.complete(b.get()); } catch (Throwable t) { pageB.completeExceptionally(t); }
        });
        return pageA.thenCombine(pageB, List::of);
    }
}
