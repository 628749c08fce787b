// fails:
// Correct: the pages in a plain String[], the count in an AtomicInteger: the callback that counts down to zero sees the other's page, written before the other's decrementAndGet (no field or element of a primitive type is read: nothing for the forced race to hold).
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        String[] pages = new String[2];
        AtomicInteger left = new AtomicInteger(2);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(a, pool).whenComplete((page, e) -> {
            if (e != null) { result.completeExceptionally(e); return; }
            pages[0] = page;
            if (left.decrementAndGet() == 0) result.complete(List.of(pages[0], pages[1]));
        });
        CompletableFuture.supplyAsync(b, pool).whenComplete((page, e) -> {
            if (e != null) { result.completeExceptionally(e); return; }
            pages[1] = page;
            if (left.decrementAndGet() == 0) result.complete(List.of(pages[0], pages[1]));
        });
        return result;
    }
}
