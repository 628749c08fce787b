// fails: start-order
// The turn is checked before the lock is taken, and the player then awaits without looking again: if done() passes
// the turn between the check and the await, its signal finds no one waiting, and the player sleeps for ever (a
// missed signal; the read without the lock is a data race too).
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Players 0 to n-1 take turns in order 0, 1, ..., n-1, 0, 1, ...: each waits for its turn, acts, and passes it on. */
class Turns {
    private final int players;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turnChanged = lock.newCondition(); // signalled whenever turn changes
    private int turn;                                           // whose turn it is; written under lock

    Turns(int players) {
        this.players = players;
    }

    /** Waits until it is player's turn. */
    void waitForTurn(int player) throws InterruptedException {
        while (turn != player) { // looked at without the lock: done() may pass the turn before this await begins
            lock.lock();
            try {
                turnChanged.await();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Player ends its turn: the next player's turn begins. */
    void done(int player) {
        lock.lock();
        try {
            turn = (player + 1) % players;
            turnChanged.signalAll(); // all: the one whose turn it is may be any of the waiters
        } finally {
            lock.unlock();
        }
    }
}
