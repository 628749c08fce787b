// fails: runs-both-at-once
// One task downloads a, then b: the two never overlap.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        return CompletableFuture.supplyAsync(() -> List.of(a.get(), b.get()), pool);
    }
}
