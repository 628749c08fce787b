// fails: runs-on-the-pool
// supplyAsync without the pool: the downloads run on the JDK's common pool, not on the one passed in.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b);
        return pageA.thenCombine(pageB, List::of);
    }
}
