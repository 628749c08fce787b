// fails: reads-under-lock
// A plain count beside a volatile flag: increment() is synchronized, get() reads the plain count without the lock. The flag's volatile makes the count no safer: the read still has no happens-before edge with the increments.
class SafeCounter {
    private long count; // guarded by this
    private volatile boolean used; // whether it was ever incremented, for a dashboard

    void increment() {
        synchronized (this) {
            count++;
            used = true;
        }
    }

    boolean used() {
        return used;
    }

    long get() {
        return count; // no lock
    }
}
