// fails: waits-on-no-thread
// Polls instead of combining: a poll() completes the result once both downloads are done (or one failed), and otherwise runs itself again 10 ms later on a delayedExecutor: a loop until the pages come, waking a thread 100 times a second, though never found in a thread dump.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
        poll(pageA, pageB, result);
        return result;
    }

    private static void poll(CompletableFuture<String> pageA, CompletableFuture<String> pageB,
                             CompletableFuture<List<String>> result) {
        if (pageA.isCompletedExceptionally() || pageB.isCompletedExceptionally() || (pageA.isDone() && pageB.isDone())) {
            try {
                result.complete(List.of(pageA.join(), pageB.join()));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
            return;
        }
        CompletableFuture.runAsync(() -> poll(pageA, pageB, result),
                CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
    }
}
