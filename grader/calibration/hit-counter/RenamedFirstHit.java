// fails: no-lost-hits
// The map renamed (counters), of AtomicLongs, its first hit a get, then put if null: two first hits at once both put a new counter, and one hit is lost.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /** Counts one visit of page. */
    void hit(String page) {
        AtomicLong n = counters.get(page);
        if (n == null) {            // first visit: make its counter
            n = new AtomicLong();
            counters.put(page, n);
        }
        n.incrementAndGet();
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        AtomicLong n = counters.get(page);
        return n == null ? 0 : n.get();
    }
}
