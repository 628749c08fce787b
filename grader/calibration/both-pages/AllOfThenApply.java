// fails:
// Correct: allOf(a, b).thenApply reads both pages with join() once both are done (join does not wait then); the future completes on the thread that finished the last download.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        return CompletableFuture.allOf(pageA, pageB).thenApply(done -> List.of(pageA.join(), pageB.join()));
    }
}
