// fails: no-lost-hits
// Leaves the field hits unused and counts in a map of LongAdders of its own, made on a page's first hit by get, then put if null: two first hits at once both put a new adder, and one hit is lost.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> adders = new ConcurrentHashMap<>(); // a LongAdder per page: no boxing

    /** Counts one visit of page. */
    void hit(String page) {
        LongAdder a = adders.get(page);
        if (a == null) {                 // first visit of the page
            a = new LongAdder();
            adders.put(page, a);
        }
        a.increment();
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        LongAdder a = adders.get(page);
        return a == null ? 0 : a.sum();
    }
}
