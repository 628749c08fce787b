// fails: no-busy-wait, waits-on-condition, take-interruptible
// Spins while empty: releases and retakes the lock in a loop, burning a core.
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
                Thread.onSpinWait();
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
                Thread.onSpinWait();
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
