// fails:
// Correct: a volatile count, read without a lock and updated by a compare-and-set loop (a VarHandle): two threads that read the same count both try, one compare-and-set fails and that thread reads again.
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

class SafeCounter {
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(SafeCounter.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long count;

    void increment() {
        long seen;
        do {
            seen = count;
        } while (!COUNT.compareAndSet(this, seen, seen + 1));
    }

    long get() {
        return count;
    }
}
