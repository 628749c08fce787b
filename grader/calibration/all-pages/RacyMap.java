// fails: concurrent-fetches
// The pages go into a plain HashMap from callbacks on different threads: concurrent puts lose pages.
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> result = new HashMap<>();
        AtomicInteger pending = new AtomicInteger(urls.size());
        CompletableFuture<Map<String, String>> all = new CompletableFuture<>();
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                result.put(url, e == null ? page : "error: " + cause.getMessage());
                if (pending.decrementAndGet() == 0) all.complete(result);
            });
        }
        return all;
    }
}
