// fails: waits-on-condition
// Correct, but with the monitor's wait() and notifyAll(), not the Condition the exercise asks for.
class BoundedBuffer<T> {
    private final Object[] items;
    private int head, tail, count;

    BoundedBuffer(int capacity) {
        items = new Object[capacity];
    }

    synchronized void put(T item) throws InterruptedException {
        while (count == items.length) wait();
        items[tail] = item;
        tail = (tail + 1) % items.length;
        count++;
        notifyAll();
    }

    @SuppressWarnings("unchecked")
    synchronized T take() throws InterruptedException {
        while (count == 0) wait();
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) % items.length;
        count--;
        notifyAll();
        return item;
    }
}
