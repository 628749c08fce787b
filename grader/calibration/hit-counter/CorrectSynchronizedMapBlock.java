// fails:
// Correct (must pass everything): a Collections.synchronizedMap of AtomicLongs whose first hit is made under the map's own lock (synchronized (counters)), which excludes every single call of the map too.
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, AtomicLong> counters = Collections.synchronizedMap(new HashMap<>());

    /** Counts one visit of page. */
    void hit(String page) {
        AtomicLong n;
        synchronized (counters) {   // the get and the put of a first hit, one atomic step
            n = counters.get(page);
            if (n == null) {
                n = new AtomicLong();
                counters.put(page, n);
            }
        }
        n.incrementAndGet();
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        AtomicLong n = counters.get(page);
        return n == null ? 0 : n.get();
    }
}
