// fails: no-waiting
// Returns at once, but a pool's thread waits for each page in turn (join) and completes the future after the last.
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, CompletableFuture<String>> pages = new LinkedHashMap<>();
        for (String url : urls) pages.put(url, fetch.apply(url));
        return CompletableFuture.supplyAsync(() -> {
            Map<String, String> result = new LinkedHashMap<>();
            pages.forEach((url, page) -> {
                try {
                    result.put(url, page.join()); // a thread blocked until the page comes
                } catch (CompletionException e) {
                    result.put(url, "error: " + e.getCause().getMessage());
                }
            });
            return result;
        });
    }
}
