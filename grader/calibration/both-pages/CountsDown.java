// fails:
// Correct: each download's callback stores its page and counts down an AtomicInteger; the callback that brings it to zero completes the result (a failure completes it at once), on the thread that finished the last download.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        AtomicReferenceArray<String> pages = new AtomicReferenceArray<>(2);
        AtomicInteger left = new AtomicInteger(2);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        List<Supplier<String>> downloads = List.of(a, b);
        for (int i = 0; i < 2; i++) {
            int index = i;
            CompletableFuture.supplyAsync(downloads.get(i), pool).whenComplete((page, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                    return;
                }
                pages.set(index, page);
                if (left.decrementAndGet() == 0) result.complete(List.of(pages.get(0), pages.get(1)));
            });
        }
        return result;
    }
}
