// fails: completes-after-all
// Each call keeps its own map, but one static count of the fetches still out, shared by every call, decides when the
// futures complete: all at once, when every call's fetches have finished. A call whose own fetches are done waits for
// the others'.
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

class Crawl {
    /** The fetches of every call not finished yet, and each call's future with its map: guarded by Crawl.class. */
    private static int left;
    private static final List<Runnable> pending = new ArrayList<>();

    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> pages = new ConcurrentHashMap<>();
        CompletableFuture<Map<String, String>> result = new CompletableFuture<>();
        if (urls.isEmpty()) {
            result.complete(pages);
            return result;
        }
        synchronized (Crawl.class) {
            left += urls.size();
            pending.add(() -> result.complete(pages));
        }
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                pages.put(url, e == null ? page : "error: " + cause.getMessage());
                List<Runnable> ready = List.of();
                synchronized (Crawl.class) {
                    if (--left == 0) {
                        ready = new ArrayList<>(pending);
                        pending.clear();
                    }
                }
                ready.forEach(Runnable::run);
            });
        }
        return result;
    }
}
