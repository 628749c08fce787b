// fails: counts-alone
// hits() returns get(page) as a long: for a page never hit, get() gives null, and unboxing it throws NullPointerException.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    void hit(String page) {
        hits.merge(page, 1L, Long::sum);
    }

    long hits(String page) {
        return hits.get(page);
    }
}
