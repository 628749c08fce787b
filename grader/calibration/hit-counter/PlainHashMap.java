// fails: no-lost-hits
// merge on a plain HashMap is not atomic, and concurrent writes can even corrupt the table.
import java.util.HashMap;
import java.util.Map;

class HitCounter {
    private final Map<String, Long> hits = new HashMap<>();

    void hit(String page) {
        hits.merge(page, 1L, Long::sum);
    }

    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
