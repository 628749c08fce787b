// fails: waits-on-no-thread
// LatchOnVirtualThread written with an anonymous Runnable: the thread that waits in the latch runs code of class Pages$1, not Pages, but it still waits for the pages.
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

class Pages {
    static CompletableFuture<List<String>> both(Supplier<String> a, Supplier<String> b, Executor pool) {
        CompletableFuture<String> pageA = CompletableFuture.supplyAsync(a, pool);
        CompletableFuture<String> pageB = CompletableFuture.supplyAsync(b, pool);
        CountDownLatch done = new CountDownLatch(2);
        pageA.whenComplete((p, e) -> done.countDown());
        pageB.whenComplete((p, e) -> done.countDown());
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        Thread.ofVirtual().start(new Runnable() {
            @Override
            public void run() {
                try {
                    done.await();
                    result.complete(List.of(pageA.join(), pageB.join()));
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            }
        });
        return result;
    }
}
