// fails: concurrent-fetches
// Counts the page in, then puts it: right on one thread, but when the last two fetches finish at once, the one that
// sees the count reach zero can complete the future before the other has put its page.
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
        if (urls.isEmpty()) result.complete(pages);
        AtomicInteger left = new AtomicInteger(urls.size());
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                int n = left.decrementAndGet(); // counted down first ...
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                pages.put(url, e == null ? page : "error: " + cause.getMessage());
                if (n == 0) result.complete(pages); // ... so the last decrement may come before another's put
            });
        }
        return result;
    }
}
