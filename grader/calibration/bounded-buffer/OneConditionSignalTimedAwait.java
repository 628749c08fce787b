// fails: wakes-the-right-waiter
// As OneConditionSignal (one Condition for both states, signal() after every put and take), but waits with
// await(10, MILLISECONDS) in its loops: a thread the lost signal should have woken wakes by its own time limit.
import java.util.concurrent.TimeUnit;
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
            while (count == items.length) changed.await(10, TimeUnit.MILLISECONDS); // hides the lost signal
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
            while (count == 0) changed.await(10, TimeUnit.MILLISECONDS);
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
