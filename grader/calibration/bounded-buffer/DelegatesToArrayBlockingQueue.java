// fails: waits-on-condition, put-waits-when-full
// Hands every item to a java.util.concurrent.ArrayBlockingQueue: it waits in a Condition, but the queue's, which the queue awaits and signals; the learner writes none of the waiting and signalling the exercise is about.
import java.util.concurrent.ArrayBlockingQueue;

class BoundedBuffer<T> {
    private final ArrayBlockingQueue<T> items;

    BoundedBuffer(int capacity) {
        items = new ArrayBlockingQueue<>(capacity);
    }

    void put(T item) throws InterruptedException {
        items.put(item);
    }

    T take() throws InterruptedException {
        return items.take();
    }
}
