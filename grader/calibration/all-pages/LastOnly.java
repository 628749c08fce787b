// fails: all-pages, completes-after-all
// Chains a handler on each fetch and completes the result when the last URL's handler has run: it waits for the last fetch only, so when that one comes first the result completes without the others.
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> pages = new ConcurrentHashMap<>();
        CompletableFuture<?> last = CompletableFuture.completedFuture(null);
        for (String url : urls) {
            last = fetch.apply(url).handle((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                pages.put(url, e == null ? page : "error: " + cause.getMessage());
                return null;
            });
        }
        return last.thenApply(done -> pages);
    }
}
