// fails:
// Correct: the count is volatile and incremented under the counter's monitor; a plain count of calls beside it is guarded by the monitor too. get() reads only the volatile count, which needs no lock.
class SafeCounter {
    private volatile long count; // written under this, read anywhere
    private long calls; // guarded by this

    synchronized void increment() {
        count++;
        calls++;
    }

    long get() { // a volatile read
        return count;
    }

    synchronized long calls() {
        return calls;
    }
}
