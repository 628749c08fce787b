// fails: concurrent-fetches
// A plain int counts the fetches still on their way: callbacks on different threads lose decrements, and the future never completes.
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

class Crawl {
    static int pending;

    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> result = new ConcurrentHashMap<>();
        CompletableFuture<Map<String, String>> all = new CompletableFuture<>();
        pending = urls.size();
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                result.put(url, e == null ? page : "error: " + cause.getMessage());
                if (--pending == 0) all.complete(result);
            });
        }
        return all;
    }
}
