// fails:
// Correct (must pass everything): one Condition for both "not full" and "not empty", and signalAll() after every put
// and take, so that whichever thread can go on is woken among the others, which check and wait again.
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
            changed.signalAll(); // every waiter: the takers among them can go on
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
            changed.signalAll(); // every waiter: the putters among them can go on
            return item;
        } finally {
            lock.unlock();
        }
    }
}
