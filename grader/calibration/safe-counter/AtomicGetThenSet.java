// fails: no-lost-updates
// AtomicLong, but get() then set(): each call is atomic, the pair is not, and two threads write the same value. The forced race holds a thread just after its get() until the other has read too: an update is lost every time.
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
