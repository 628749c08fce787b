// fails:
// Correct: a LongAdder, whose sum() after all increments have returned counts them all.
import java.util.concurrent.atomic.LongAdder;

class SafeCounter {
    private final LongAdder count = new LongAdder();

    void increment() {
        count.increment();
    }

    long get() {
        return count.sum();
    }
}
