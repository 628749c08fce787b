// fails: no-lost-updates
// count++ without a lock: two threads read the same value and one increment is lost.
class SafeCounter {
    private long count;

    void increment() {
        count++;
    }

    long get() {
        return count;
    }
}
