// fails: take-interruptible
// No try/finally: an interrupted await() throws with the lock held, and the lock is never unlocked.
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
        while (count == items.length) notFull.await();
        items[tail] = item;
        tail = (tail + 1) % items.length;
        count++;
        notEmpty.signal();
        lock.unlock();
    }

    @SuppressWarnings("unchecked")
    T take() throws InterruptedException {
        lock.lock();
        while (count == 0) notEmpty.await();
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) % items.length;
        count--;
        notFull.signal();
        lock.unlock();
        return item;
    }
}
