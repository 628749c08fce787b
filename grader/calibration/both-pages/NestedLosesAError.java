// fails: fails-with-the-error
// Callbacks nested by hand: a's thenAccept attaches a whenComplete to b that passes b's error on; when download a throws, thenAccept never runs, so the result never completes (only b's failure is handled).
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    /**
     * Starts both downloads on the pool and returns at once. The future completes with [page a, page b],
     * in that order whichever finishes first, or fails with the exception of a download that failed.
     */
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        pageA.thenAccept(x -> pageB.whenComplete((y, error) -> {
            if (error != null) result.completeExceptionally(error);
            else result.complete(List.of(x, y));
        }));
        return result;
    }
}
