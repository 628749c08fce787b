// fails: finish-together
// Counts the pages that came in a plain int: when both downloads finish at the same instant, a decrement is lost and the future never completes.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        String[] pages = new String[2];
        int[] left = {2};
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(a, pool).whenComplete((page, e) -> {
            if (e != null) { result.completeExceptionally(e); return; }
            pages[0] = page;
            if (--left[0] == 0) result.complete(List.of(pages[0], pages[1]));
        });
        CompletableFuture.supplyAsync(b, pool).whenComplete((page, e) -> {
            if (e != null) { result.completeExceptionally(e); return; }
            pages[1] = page;
            if (--left[0] == 0) result.complete(List.of(pages[0], pages[1]));
        });
        return result;
    }
}
