// fails:
// Correct: the callbacks fill a plain HashMap inside synchronized (pages), the count of pages left too, through a
// helper object of the learner's: the map probe must see the finishing thread wait for the monitor, and pass.
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

class Crawl {
    /** The pages of one call, and how many are still to come; both guarded by the map's monitor. */
    static final class Pages {
        private final Map<String, String> pages = new HashMap<>();
        private int left;

        Pages(int left) {
            this.left = left;
        }

        /** Puts one page; true if it was the last. */
        boolean put(String url, String page) {
            synchronized (pages) {
                pages.put(url, page);
                return --left == 0;
            }
        }

        Map<String, String> all() {
            synchronized (pages) {
                return pages;
            }
        }
    }

    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Pages pages = new Pages(urls.size());
        CompletableFuture<Map<String, String>> all = new CompletableFuture<>();
        if (urls.isEmpty()) all.complete(pages.all());
        for (String url : urls) {
            fetch.apply(url).handle((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (pages.put(url, e == null ? page : "error: " + cause.getMessage())) all.complete(pages.all());
                return null;
            });
        }
        return all;
    }
}
