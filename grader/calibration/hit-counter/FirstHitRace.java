// fails: no-lost-hits
// Check-then-act on a page's first hit: two threads that both see the page absent both put 1, and one hit is lost.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    /** Counts one visit of page. */
    void hit(String page) {
        if (!hits.containsKey(page)) {
            hits.put(page, 1L);                          // first visit
        } else {
            hits.computeIfPresent(page, (p, n) -> n + 1); // atomic increment of an existing entry
        }
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
