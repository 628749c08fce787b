// fails: at-most-n
// One subtask fetches every page in turn from a queue: a virtual thread in a scope, but one fetch at a time.
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;

/** Fetches the page at a URL and returns the URLs it links to; throws if the page cannot be had. */
interface Fetcher {
    List<String> links(String url) throws Exception;
}

/**
 * Crawls a site: from a root URL, every page reachable through links, each fetched once, at most
 * {@code maxInFlight} at a time, each on a virtual thread of a StructuredTaskScope.
 */
class Crawler {
    /** One permit per fetch that may run now; shared by every crawl of this crawler. */
    private final Semaphore permits;
    private final Fetcher fetcher;

    Crawler(int maxInFlight, Fetcher fetcher) {
        this.permits = new Semaphore(maxInFlight);
        this.fetcher = fetcher;
    }

    Map<String, String> crawl(String root) throws InterruptedException {
        Map<String, String> pages = new ConcurrentHashMap<>();
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> {
                Set<String> seen = newSeenSet();
                seen.add(root);
                java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(root));
                while (!queue.isEmpty()) {
                    String url = queue.poll();
                    permits.acquire();
                    try {
                        for (String link : fetcher.links(url)) if (seen.add(link)) queue.add(link);
                        pages.put(url, "ok");
                    } catch (Exception e) {
                        pages.put(url, "error: " + e.getMessage());
                    } finally {
                        permits.release();
                    }
                }
                return null;
            });
            scope.join();
        }
        return pages;
    }

    Set<String> newSeenSet() {
        return ConcurrentHashMap.newKeySet();
    }
}
