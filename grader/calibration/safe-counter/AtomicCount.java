// fails:
// Correct: an AtomicLong, incremented atomically and read without a lock.
import java.util.concurrent.atomic.AtomicLong;

class SafeCounter {
    private final AtomicLong count = new AtomicLong();

    void increment() {
        count.incrementAndGet();
    }

    long get() {
        return count.get();
    }
}
