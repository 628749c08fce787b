// fails:
// Correct: the field hits left unused, a map of LongAdders of its own, checked with get first and made with computeIfAbsent (the probe's meeting map in both fields must not misjudge it).
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts the visits of each page; many threads call hit() at the same time. */
class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> adders = new ConcurrentHashMap<>();

    /** Counts one visit of page. */
    void hit(String page) {
        LongAdder a = adders.get(page); // the common case: no lock inside the map
        if (a == null) a = adders.computeIfAbsent(page, p -> new LongAdder()); // one adder per page, made atomically
        a.increment();
    }

    /** The visits of page so far (0 if none). */
    long hits(String page) {
        LongAdder a = adders.get(page);
        return a == null ? 0 : a.sum();
    }
}
