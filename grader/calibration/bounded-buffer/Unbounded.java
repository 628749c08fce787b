// fails: put-waits-when-full
// Keeps the items in an ArrayDeque and never waits in put(): the capacity is ignored, so memory grows without bound.
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

class BoundedBuffer<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    BoundedBuffer(int capacity) {
    }

    void put(T item) throws InterruptedException {
        lock.lock();
        try {
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    T take() throws InterruptedException {
        lock.lock();
        try {
            while (items.isEmpty()) notEmpty.await();
            return items.removeFirst();
        } finally {
            lock.unlock();
        }
    }
}
