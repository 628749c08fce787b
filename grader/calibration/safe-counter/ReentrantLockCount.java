// fails:
// Correct: a ReentrantLock taken around count++ and around the read in get(); a thread that waits for it is parked, not blocked on a monitor.
import java.util.concurrent.locks.ReentrantLock;

class SafeCounter {
    private final ReentrantLock lock = new ReentrantLock();
    private long count; // guarded by lock

    void increment() {
        lock.lock();
        try {
            count++;
        } finally {
            lock.unlock();
        }
    }

    long get() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }
}
