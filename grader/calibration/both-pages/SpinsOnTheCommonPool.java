// fails: waits-on-no-thread
// A task on the common pool loops until both futures are done, then completes the result: it never waits, it spins, and holds a thread (and a core) for the pages.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            while (!(pageA.isDone() && pageB.isDone())) Thread.onSpinWait();
            try {
                result.complete(List.of(pageA.join(), pageB.join()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
