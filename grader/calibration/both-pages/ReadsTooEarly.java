// fails: waits-for-both
// When page a arrives, page b is read with getNow: if b is not there yet, an empty page takes its place.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        return pageA.thenApply(x -> List.of(x, pageB.getNow("")));
    }
}
