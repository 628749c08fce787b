// fails:
// Correct: a helper class of the solution counts the pages in a plain int field, read and written only in a synchronized method, which each download's callback calls.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    /** How many pages are still to come. */
    static final class Tally {
        private int left = 2; // guarded by this

        /** Counts a page that came: whether it was the last. */
        synchronized boolean arrived() {
            left = left - 1;
            return left == 0;
        }
    }

    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        Tally tally = new Tally();
        for (CompletableFuture<String> page : List.of(pageA, pageB)) {
            page.whenComplete((p, e) -> {
                if (e != null) result.completeExceptionally(e);
                else if (tally.arrived()) result.complete(List.of(pageA.join(), pageB.join()));
            });
        }
        return result;
    }
}
