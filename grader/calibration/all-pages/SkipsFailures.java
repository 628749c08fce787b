// fails: failure-kept-local
// A failed page is left out: the caller cannot tell it from a page never asked for.
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> result = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<?>[] all = urls.stream()
                .map(url -> fetch.apply(url).thenAccept(page -> result.put(url, page)).exceptionally(e -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenApply(done -> result);
    }
}
