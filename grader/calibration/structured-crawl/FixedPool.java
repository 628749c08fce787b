// fails: virtual-threads
// A pool of as many platform threads as the limit, and a Phaser as the queue's join: the threads are not virtual.
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
        var pending = new java.util.concurrent.Phaser(1);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(permits.availablePermits())) {
            submit(pool, root, seen, pages, pending);
            pending.awaitAdvanceInterruptibly(pending.arrive());
        }
        return pages;
    }

    private void submit(java.util.concurrent.ExecutorService pool, String url, Set<String> seen, Map<String, String> pages,
                        java.util.concurrent.Phaser pending) {
        pending.register();
        pool.execute(() -> {
            try {
                for (String link : fetcher.links(url)) if (seen.add(link)) submit(pool, link, seen, pages, pending);
                pages.put(url, "ok");
            } catch (Exception e) {
                pages.put(url, "error: " + e.getMessage());
            } finally {
                pending.arriveAndDeregister();
            }
        });
    }

    Set<String> newSeenSet() {
        return ConcurrentHashMap.newKeySet();
    }
}
