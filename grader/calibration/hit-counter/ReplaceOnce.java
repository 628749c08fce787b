// fails: no-lost-hits
// putIfAbsent, then one replace(page, old, old + 1) whose failure is ignored: a hit lost whenever another thread got there first.
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

class HitCounter {
    private final Map<String, Long> hits = new ConcurrentHashMap<>();

    void hit(String page) {
        Long old = hits.putIfAbsent(page, 1L);
        if (old != null) hits.replace(page, old, old + 1);
    }

    long hits(String page) {
        return hits.getOrDefault(page, 0L);
    }
}
