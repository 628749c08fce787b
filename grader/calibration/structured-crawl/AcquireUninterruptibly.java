// fails: cancellable
// Waits for its permit with acquireUninterruptibly (no InterruptedException to declare): when the crawl is cancelled,
// every subtask that waited still takes a permit in turn and starts its fetch, on a thread already interrupted.
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
        Set<String> seen = newSeenSet();
        seen.add(root);
        try (var scope = StructuredTaskScope.open()) {
            scope.fork(() -> visit(root, seen, pages));
            scope.join();
        }
        return pages;
    }

    private Void visit(String url, Set<String> seen, Map<String, String> pages) throws InterruptedException {
        List<String> links;
        permits.acquireUninterruptibly();
        try {
            links = fetcher.links(url);
        } catch (Exception e) {
            pages.put(url, "error: " + e.getMessage());
            return null;
        } finally {
            permits.release();
        }
        pages.put(url, "ok");
        try (var scope = StructuredTaskScope.open()) {
            for (String link : links) {
                if (seen.add(link)) scope.fork(() -> visit(link, seen, pages));
            }
            scope.join();
        }
        return null;
    }

    Set<String> newSeenSet() {
        return ConcurrentHashMap.newKeySet();
    }
}
