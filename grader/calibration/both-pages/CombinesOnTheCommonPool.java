// fails: waits-on-no-thread
// thenCombineAsync(b, List::of) without the pool: the downloads run on the pool passed in, but the step that combines the pages runs on the JDK's common pool, so the future completes on a thread of that pool.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        // MISTAKE: an ...Async method without an executor hands its step to ForkJoinPool.commonPool()
        return pageA.thenCombineAsync(pageB, List::of);
    }
}
