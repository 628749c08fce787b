// fails: wakes-the-right-waiter
// One Condition for both "not full" and "not empty", and signal() after every put and take: a signal can wake a thread
// that waits for the other state, which waits again, so the signal is lost and the threads that could go on sleep for ever.
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

class BoundedBuffer<T> {
    private final Object[] items;
    private int head, tail, count;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition(); // both "not full" and "not empty"

    BoundedBuffer(int capacity) {
        items = new Object[capacity];
    }

    void put(T item) throws InterruptedException {
        lock.lock();
        try {
            while (count == items.length) changed.await();
            items[tail] = item;
            tail = (tail + 1) % items.length;
            count++;
            changed.signal(); // may wake a putter, not a taker
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    T take() throws InterruptedException {
        lock.lock();
        try {
            while (count == 0) changed.await();
            T item = (T) items[head];
            items[head] = null;
            head = (head + 1) % items.length;
            count--;
            changed.signal(); // may wake a taker, not a putter
            return item;
        } finally {
            lock.unlock();
        }
    }
}
