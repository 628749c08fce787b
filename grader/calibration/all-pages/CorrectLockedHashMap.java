// fails:
// Correct: the callbacks fill a plain HashMap, each put and the count of pages left under one lock the callbacks
// share (a ReentrantLock): the map probe must see the finishing thread wait for it, and pass.
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

class Crawl {
    static CompletableFuture<Map<String, String>> fetchAll(List<String> urls,
                                                           Function<String, CompletableFuture<String>> fetch) {
        Map<String, String> pages = new HashMap<>();              // guarded by lock
        int[] left = {urls.size()};                                // guarded by lock
        ReentrantLock lock = new ReentrantLock();
        CompletableFuture<Map<String, String>> all = new CompletableFuture<>();
        if (urls.isEmpty()) all.complete(pages);
        for (String url : urls) {
            fetch.apply(url).whenComplete((page, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                String text = e == null ? page : "error: " + cause.getMessage();
                boolean last;
                lock.lock();
                try {
                    pages.put(url, text);
                    last = --left[0] == 0;
                } finally {
                    lock.unlock();
                }
                if (last) all.complete(pages); // every put happened before, under the lock
            });
        }
        return all;
    }
}
