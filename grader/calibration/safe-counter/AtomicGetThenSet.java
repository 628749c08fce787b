// fails: no-lost-updates
// AtomicLong, but get() then set(): each call is atomic, the pair is not, and two threads write the same value.
import java.util.concurrent.atomic.AtomicLong;

class SafeCounter {
    private final AtomicLong count = new AtomicLong();

    void increment() {
        count.set(count.get() + 1);
    }

    long get() {
        return count.get();
    }
}
