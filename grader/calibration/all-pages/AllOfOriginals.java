// fails: completes-after-all
// whenComplete fills a concurrent map, and allOf over the fetches themselves (not over the stages that fill the map)
// says when all are done: for the last fetch, allOf's dependent may run before the whenComplete that puts its page.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> result = new ConcurrentHashMap<>();
        List<CompletableFuture<String>> fetches = new ArrayList<>();
        for (String url : urls) {
            CompletableFuture<String> f = fetch.apply(url);
            f.whenComplete((page, e) -> {
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                result.put(url, e == null ? page : "error: " + c.getMessage());
            });
            fetches.add(f);
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).handle((v, e) -> result);
    }
}
