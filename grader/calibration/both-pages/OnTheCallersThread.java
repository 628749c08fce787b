// fails: returns-at-once
// Page a is downloaded by the caller before anything is started: the call waits.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        String pageA = a.get();
        return CompletableFuture.supplyAsync(b, pool).thenApply(pageB -> List.of(pageA, pageB));
    }
}
