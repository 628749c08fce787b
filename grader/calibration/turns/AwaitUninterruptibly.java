// fails: interruptible
// Waits with awaitUninterruptibly(), so there is no InterruptedException to handle: an interrupted player waits on.
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Players 0 to n-1 take turns in order 0, 1, ..., n-1, 0, 1, ...: each waits for its turn, acts, and passes it on. */
class Turns {
    private final int players;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition turnChanged = lock.newCondition(); // signalled whenever turn changes
    private int turn;                                           // whose turn it is; guarded by lock

    Turns(int players) {
        this.players = players;
    }

    /** Waits until it is player's turn. */
    void waitForTurn(int player) throws InterruptedException {
        lock.lock();
        try {
            while (turn != player) turnChanged.awaitUninterruptibly(); // a while: woken, check again (another player's turn?)
        } finally {
            lock.unlock();
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
