// fails: no-lost-updates
// volatile makes each read and write visible, but count++ is still read, add, write: updates are lost.
class SafeCounter {
    private volatile long count;

    void increment() {
        count++;
    }

    long get() {
        return count;
    }
}
