// fails:
// Correct: a private final lock object (not the counter's monitor), taken around count++ and around the plain read in get(): the forced race holds the first thread after its read, the other blocks on the lock, and nothing is lost.
class SafeCounter {
    private final Object lock = new Object();
    private long count; // guarded by lock

    void increment() {
        synchronized (lock) {
            long next = count + 1;
            count = next;
        }
    }

    long get() {
        synchronized (lock) {
            return count;
        }
    }
}
