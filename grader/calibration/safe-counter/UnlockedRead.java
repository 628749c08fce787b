// fails: reads-under-lock
// increment() is synchronized but get() reads the plain field without the lock: no happens-before edge with the increments, so a reader may see a stale count for ever.
class SafeCounter {
    private long count; // guarded by this

    void increment() {
        synchronized (this) {
            count++;
        }
    }

    long get() {
        return count;
    }
}
