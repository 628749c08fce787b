// fails: completes-after-all
// Counts the page in before it puts it in the map: the last callback completes the future, then adds its page.
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
        Map<String, String> result = new ConcurrentHashMap<>();
        CompletableFuture<Map<String, String>> done = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(urls.size());
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                if (left.decrementAndGet() == 0) done.complete(result); // the last one: done ...
                result.put(url, e == null ? page : "error: " + (e instanceof CompletionException ? e.getCause() : e).getMessage());
            });
        }
        return done;
    }
}
