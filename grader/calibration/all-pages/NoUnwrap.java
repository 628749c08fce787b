// fails: failure-kept-local
// The failure's own message is used: a fetch that fails through a dependent stage gives "java.io.IOException: HTTP 503", not "HTTP 503".
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, CompletableFuture<String>> pages = new LinkedHashMap<>();
        for (String url : urls) pages.put(url, fetch.apply(url).exceptionally(e -> "error: " + e.getMessage()));
        return CompletableFuture.allOf(pages.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, String> result = new LinkedHashMap<>();
            pages.forEach((url, page) -> result.put(url, page.join()));
            return result;
        });
    }
}
