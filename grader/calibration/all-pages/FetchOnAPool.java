// fails: returns-at-once
// Hands each fetch to the common pool (supplyAsync, then thenCompose): the pages are right, but fetch runs on a pool's thread, perhaps after fetchAll has returned.
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, CompletableFuture<String>> pages = new LinkedHashMap<>();
        for (String url : urls) {
            pages.put(url, CompletableFuture.supplyAsync(() -> fetch.apply(url)).thenCompose(page -> page).exceptionally(e -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                return "error: " + cause.getMessage();
            }));
        }
        return CompletableFuture.allOf(pages.values().toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<String, String> result = new LinkedHashMap<>();
            pages.forEach((url, page) -> result.put(url, page.join()));
            return result;
        });
    }
}
