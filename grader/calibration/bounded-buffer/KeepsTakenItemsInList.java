// fails: forgets-taken-items
// A ring of slots kept in an ArrayList (capacity nulls to begin with), right in every way a caller can see, but take()
// reads its slot with get and never sets it back to null: the list keeps up to capacity items it has handed out.
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

class BoundedBuffer<T> {
    private final List<T> items;   // guarded by lock; its size is the capacity
    private int head, tail, count; // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final Condition notEmpty = lock.newCondition();

    BoundedBuffer(int capacity) {
        items = new ArrayList<>(Collections.nCopies(capacity, null));
    }

    void put(T item) throws InterruptedException {
        lock.lock();
        try {
            while (count == items.size()) notFull.await();
            items.set(tail, item);
            tail = (tail + 1) % items.size();
            count++;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    T take() throws InterruptedException {
        lock.lock();
        try {
            while (count == 0) notEmpty.await();
            T item = items.get(head);
            head = (head + 1) % items.size();
            count--;
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }
}
