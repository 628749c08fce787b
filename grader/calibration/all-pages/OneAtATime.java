// fails: returns-at-once
// Fetches one URL at a time: a chain of thenCompose from a completed future, each fetch started only when the page
// before has come, so fetchAll returns having started one fetch, and the pages come one after another.
import java.util.*;
import java.util.concurrent.*;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls, Function<String, CompletableFuture<String>> fetch) {
        CompletableFuture<Map<String, String>> result = CompletableFuture.completedFuture(new LinkedHashMap<>());
        for (String url : urls) {
            result = result.thenCompose(m -> fetch.apply(url).handle((page, e) -> {
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                m.put(url, e == null ? page : "error: " + c.getMessage());
                return m;
            }));
        }
        return result;
    }
}
