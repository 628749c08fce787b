// fails: no-lost-updates, reads-under-lock
// Locks the boxed Long it then replaces: each count++ makes a new object, so threads lock different objects.
class SafeCounter {
    private Long count = 0L;

    void increment() {
        synchronized (count) {
            count++;
        }
    }

    long get() {
        synchronized (this) {
            return count;
        }
    }
}
