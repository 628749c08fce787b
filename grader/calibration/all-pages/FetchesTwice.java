// fails: all-pages, failure-kept-local
// Starts every fetch and waits with allOf, then reads each page by calling fetch again and joining it: every page
// is requested twice, and with a real fetch the callback that completes the future waits for the second requests.
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    static String page(CompletableFuture<String> f) {
        return f.handle((p, e) -> e == null ? p
                : "error: " + (e instanceof CompletionException && e.getCause() != null ? e.getCause() : e).getMessage()).join();
    }

    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        List<CompletableFuture<String>> started = new ArrayList<>();
        for (String url : urls) started.add(fetch.apply(url).exceptionally(e -> null));
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, String> result = new LinkedHashMap<>();
            for (String url : urls) result.put(url, page(fetch.apply(url)));   // fetched again, and joined
            return result;
        });
    }
}
