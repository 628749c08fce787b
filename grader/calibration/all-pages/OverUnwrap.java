// fails: failure-kept-local
// Unwraps every exception that has a cause, not only a CompletionException: IOException("HTTP 500", cause) is
// reported with its cause's message.
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, CompletableFuture<String>> pages = new LinkedHashMap<>();
        for (String url : urls) {
            pages.put(url, fetch.apply(url).exceptionally(e -> {
                Throwable cause = e.getCause() != null ? e.getCause() : e;   // any wrapper, any cause
                return "error: " + cause.getMessage();
            }));
        }
        return CompletableFuture.allOf(pages.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, String> result = new LinkedHashMap<>();
            pages.forEach((url, page) -> result.put(url, page.join()));
            return result;
        });
    }
}
