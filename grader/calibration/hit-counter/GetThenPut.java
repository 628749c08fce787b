// fails: no-lost-hits
// Each call is thread-safe, the pair is not: two threads read 7, both write 8.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    void hit(String page) {
        hits.put(page, hits.getOrDefault(page, 0L) + 1);
    }

    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
