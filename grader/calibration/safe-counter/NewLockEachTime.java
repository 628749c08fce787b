// fails: no-lost-updates
// A lock that no other thread ever uses excludes nobody.
class SafeCounter {
    private long count;

    void increment() {
        synchronized (new Object()) {
            count++;
        }
    }

    long get() {
        synchronized (this) {
            return count;
        }
    }
}
