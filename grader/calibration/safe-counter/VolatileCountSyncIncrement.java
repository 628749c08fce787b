// fails:
// Correct: a volatile count, incremented under the lock, read without it (a volatile read sees the latest write); its plain step, set once, is not state that increment() writes.
class SafeCounter {
    private volatile long count; // written under this, read without
    private long step = 1; // never changed after construction

    synchronized void increment() {
        count += step;
    }

    long get() {
        return count;
    }
}
