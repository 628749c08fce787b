// fails:
// Correct: one lock per page by locking page.intern(), which is one object for all equal names, around get then put.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    /** Counts one visit of page. */
    void hit(String page) {
        synchronized (page.intern()) { // equal names, one interned object: one lock per page
            hits.put(page, hits.getOrDefault(page, 0L) + 1);
        }
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
