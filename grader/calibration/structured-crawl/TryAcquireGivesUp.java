// fails: at-most-n
// Waits for its permit with tryAcquire(5 s) and, if none came, reports the page as an error without fetching it: a wait with a time limit, so on a slow site (fetches holding every permit for more than 5 s) pages are never fetched.
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.TimeUnit;

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

    /**
     * Crawls from root and returns, for every URL fetched, "ok" or "error: " and the failure's message. Returns
     * once every fetch has ended and every thread it started has ended; if interrupted, throws
     * InterruptedException, also once they have all ended.
     */
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

    /** A new set for the URLs one crawl has seen; crawl makes its own with this, and the crawl's threads share it. */
    Set<String> newSeenSet() {
        return ConcurrentHashMap.newKeySet();   // safe for many threads, and add says whether the URL was new
    }

    /** Fetches url, records how it went in pages, then crawls the links not seen before, in a scope of its own. */
    private Void visit(String url, Set<String> seen, Map<String, String> pages) throws InterruptedException {
        List<String> links;
        if (!permits.tryAcquire(5, TimeUnit.SECONDS)) {   // never wait for ever: give up on the page after 5 s
            pages.put(url, "error: no permit within 5 s");
            return null;
        }
        try {
            links = fetcher.links(url);
        } catch (Exception e) {
            pages.put(url, "error: " + e.getMessage());
            return null;
        } finally {
            permits.release();             // now, not after the links: a permit held while waiting starves them
        }
        pages.put(url, "ok");
        try (var scope = StructuredTaskScope.open()) {   // only its owner may fork: a scope for each page
            for (String link : links) {
                if (seen.add(link)) scope.fork(() -> visit(link, seen, pages));   // add: "new?" and "seen" at once
            }
            scope.join();
        }
        return null;
    }
}
