// fails:
// Correct (must pass everything): a StampedLock, written under its write lock; get() reads optimistically and, when a
// write came in between (validate fails), again under the read lock.
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
        long stamp = lock.tryOptimisticRead();
        long c = count;
        if (lock.validate(stamp)) return c;
        stamp = lock.readLock();
        try {
            return count;
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
