// fails: completes-after-all
// Keeps the map and the count in static fields, cleared at each call: two calls under way at once share them, and the second call's start wipes out the first's pages and count.
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

class Crawl {
    // The state of "the" crawl, kept in static fields: safe for callbacks on several threads, but shared by every call.
    private static final Map<String, String> pages = new ConcurrentHashMap<>();
    private static final AtomicInteger left = new AtomicInteger();

    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        pages.clear();
        left.set(urls.size());
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        if (urls.isEmpty()) {
            result.complete(pages);
            return result;
        }
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                pages.put(url, e == null ? page : "error: " + cause.getMessage());
                if (left.decrementAndGet() == 0) result.complete(pages);
            });
        }
        return result;
    }
}
