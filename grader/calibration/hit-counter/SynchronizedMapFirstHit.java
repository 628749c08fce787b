// fails: no-lost-hits
// A Collections.synchronizedMap of AtomicLongs, its first hit a get, then a put if null: each call is atomic, but not the two together, so two first hits at once both put a new counter, and one hit is lost.
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, AtomicLong> counters = Collections.synchronizedMap(new HashMap<>());

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
