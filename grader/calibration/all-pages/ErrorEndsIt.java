// fails: completes-after-all
// Callbacks complete the result: the first error completes it, with the pages that came so far.
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
        CompletableFuture<Map<String, String>> done = new CompletableFuture<>();
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                result.put(url, e == null ? page : "error: " + (e instanceof CompletionException ? e.getCause() : e).getMessage());
                if (e != null || result.size() == urls.size()) done.complete(result);
            });
        }
        return done;
    }
}
