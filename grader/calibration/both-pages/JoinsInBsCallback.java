// fails: waits-on-no-thread
// The mirror of JoinsInCallback: when page b arrives, its pool thread blocks in join() until page a is there. With a first it waits for nothing, so only a test in which b comes first and a is held catches it.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        return pageB.thenApply(y -> List.of(pageA.join(), y));
    }
}
