// fails: all-pages
// Counts the fetches down and completes at zero: right for any list but an empty one, whose future never completes.
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
        AtomicInteger left = new AtomicInteger(urls.size());
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
