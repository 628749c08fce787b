// fails: no-busy-wait
// A player woken when it is not its turn passes the signal() on to another waiter: when the turn goes to a player who is not waiting, the wake-up circles the waiting players for ever.
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
            while (turn != player) {
                turnChanged.await();
                if (turn != player) turnChanged.signal(); // woken but not my turn: pass the wake-up on to another waiter
            }
        } finally {
            lock.unlock();
        }
    }

    /** Player ends its turn: the next player's turn begins. */
    void done(int player) {
        lock.lock();
        try {
            turn = (player + 1) % players;
            turnChanged.signal(); // one is enough: a waiter woken in vain passes it on
        } finally {
            lock.unlock();
        }
    }
}
