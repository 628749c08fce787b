// fails: reads-under-lock
// increment() takes a StampedLock's write lock, but get() reads the count with no lock and no stamp: the read has no
// happens-before edge with the increments (the probe holds the StampedLock's write lock).
import java.util.concurrent.locks.StampedLock;

class SafeCounter {
    private final StampedLock lock = new StampedLock();
    private long count; // guarded by lock

    void increment() {
        long stamp = lock.writeLock();
        try {
            count++;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    long get() {
        return count; // no lock, no stamp
    }
}
