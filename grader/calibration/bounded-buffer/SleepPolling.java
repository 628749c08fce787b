// fails: waits-when-empty, waits-on-condition, take-interruptible
// Polls every 5 ms: little CPU, but each item waits up to 5 ms for nothing (and put() wakes no one: with its sleep made
// days long, as waits-when-empty makes every time limit, a waiting take() never sees the item).
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
            while (count == items.length) {
                lock.unlock();
                Thread.sleep(5);
                lock.lock();
            }
            items[tail] = item;
            tail = (tail + 1) % items.length;
            count++;
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    T take() throws InterruptedException {
        lock.lock();
        try {
            while (count == 0) {
                lock.unlock();
                Thread.sleep(5);
                lock.lock();
            }
            T item = (T) items[head];
            items[head] = null;
            head = (head + 1) % items.length;
            count--;
            return item;
        } finally {
            lock.unlock();
        }
    }
}
