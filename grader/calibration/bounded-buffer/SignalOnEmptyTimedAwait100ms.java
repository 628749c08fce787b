// fails: two-takers-one-item, put-waits-when-full
// As SignalOnEmptyTimedAwait, with a time limit of 100 ms: a missed signal costs a waiter up to 100 ms.
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

class BoundedBuffer<T> {
    private final Object[] items;
    private int head, tail, count;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();

    BoundedBuffer(int capacity) {
        items = new Object[capacity];
    }

    void put(T item) throws InterruptedException {
        lock.lock();
        try {
            while (count == items.length) notFull.await(100, TimeUnit.MILLISECONDS); // a safety net that hides the missed signal
            items[tail] = item;
            tail = (tail + 1) % items.length;
            count++;
            if (count == 1) notEmpty.signal(); // only when it was empty: a second put before the taker ran signals no one
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    T take() throws InterruptedException {
        lock.lock();
        try {
            while (count == 0) notEmpty.await(100, TimeUnit.MILLISECONDS);
            T item = (T) items[head];
            items[head] = null;
            head = (head + 1) % items.length;
            count--;
            if (count == items.length - 1) notFull.signal(); // only when it was full
            return item;
        } finally {
            lock.unlock();
        }
    }
}
