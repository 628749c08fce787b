// fails: waits-on-no-thread
// Starts both downloads on the pool, then a virtual thread of its own waits for them with join(): a thread still waits for the pages, only a cheap one.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try {
                result.complete(List.of(pageA.join(), pageB.join()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
