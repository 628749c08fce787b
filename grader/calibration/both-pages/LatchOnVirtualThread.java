// fails: waits-on-no-thread
// Both downloads on the pool; a virtual thread waits for them in a CountDownLatch (not join or get) and then completes the future: a thread still waits for the pages.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        String[] pages = new String[2];
        Throwable[] error = new Throwable[1];
        CountDownLatch done = new CountDownLatch(2);
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        pool.execute(() -> { try { pages[0] = a.get(); } catch (Throwable e) { error[0] = e; } finally { done.countDown(); } });
        pool.execute(() -> { try { pages[1] = b.get(); } catch (Throwable e) { error[0] = e; } finally { done.countDown(); } });
        Thread.startVirtualThread(() -> {
            try {
                done.await();
                if (error[0] != null) result.completeExceptionally(error[0]);
                else result.complete(List.of(pages[0], pages[1]));
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }
}
