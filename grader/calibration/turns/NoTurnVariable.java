// fails: start-order, two-take-turns
// No guard, only await and signal (the original Python dialogue): a signal before the other waits is lost.
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

class Turns {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turnChanged = lock.newCondition();

    Turns(int players) {
    }

    void waitForTurn(int player) throws InterruptedException {
        if (player == 0) return; // player 0 begins
        lock.lock();
        try {
            turnChanged.await();
        } finally {
            lock.unlock();
        }
    }

    void done(int player) {
        lock.lock();
        try {
            turnChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
