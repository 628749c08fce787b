// fails: reads-under-lock
// increment() locks the counter but get() locks a different object: two locks order nothing between each other's holders.
class SafeCounter {
    private final Object readLock = new Object();
    private long count; // guarded by this

    synchronized void increment() {
        count++;
    }

    long get() {
        synchronized (readLock) {
            return count;
        }
    }
}
