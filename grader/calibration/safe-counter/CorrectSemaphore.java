// fails:
// Correct: a Semaphore(1) as the lock, taken by increment() and by get(): the probe holds its permit, and both wait.
import java.util.concurrent.Semaphore;

class SafeCounter {
    private final Semaphore mutex = new Semaphore(1);
    private long count; // guarded by mutex

    void increment() {
        mutex.acquireUninterruptibly();
        try {
            count++;
        } finally {
            mutex.release();
        }
    }

    long get() {
        mutex.acquireUninterruptibly();
        try {
            return count;
        } finally {
            mutex.release();
        }
    }
}
