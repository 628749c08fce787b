// fails: reads-under-lock
// increment() takes a Semaphore(1) as its lock, but get() reads the count without a permit: the read has no
// happens-before edge with the increments (the probe holds the semaphore by taking its permit).
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
        return count; // no permit
    }
}
