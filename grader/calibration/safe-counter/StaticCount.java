// fails: separate-counters
// Correct under threads, but all counters share one static count.
class SafeCounter {
    private static long count;

    void increment() {
        synchronized (SafeCounter.class) {
            count++;
        }
    }

    long get() {
        synchronized (SafeCounter.class) {
            return count;
        }
    }
}
