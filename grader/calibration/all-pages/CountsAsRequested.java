// fails: completes-after-all
// Counts the fetches as it requests them (one up per request, one down per page) instead of all of them first: a fetch that had already finished when it was requested (a page from a cache) brings the count to zero, and the future completes with that page alone.
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> pages = new ConcurrentHashMap<>();
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        AtomicInteger pending = new AtomicInteger();
        if (urls.isEmpty()) result.complete(pages);
        for (String url : urls) {
            pending.incrementAndGet();
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                pages.put(url, e == null ? page : "error: " + cause.getMessage());
                if (pending.decrementAndGet() == 0) result.complete(pages);
            });
        }
        return result;
    }
}
