// fails: no-lost-hits
// Locks the page String itself: equal page names need not be one object (a name read from a request is a new String each time), so two hits of one page can hold different locks and both write the same count.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    /** Counts one visit of page. */
    void hit(String page) {
        synchronized (page) { // one lock per page
            hits.put(page, hits.getOrDefault(page, 0L) + 1);
        }
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
