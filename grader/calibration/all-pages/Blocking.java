// fails: returns-at-once, completes-after-all, no-waiting, concurrent-fetches
// Each page is waited for in turn: the caller is blocked until the last one comes.
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String url : urls) {
            try {
                result.put(url, fetch.apply(url).join());
            } catch (CompletionException e) {
                result.put(url, "error: " + e.getCause().getMessage());
            }
        }
        return CompletableFuture.completedFuture(result);
    }
}
