// fails: no-busy-wait
// Reads the turn under the lock and sleeps 1 ms between looks: no spinning, but polling, not waiting on the condition.
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
        while (true) {
            lock.lock();
            try {
                if (turn == player) return;   // read under the lock
            } finally {
                lock.unlock();
            }
            Thread.sleep(1);                  // polls: sleeps 1 ms instead of waiting for a signal
        }
    }

    /** Player ends its turn: the next player's turn begins. */
    void done(int player) {
        lock.lock();
        try {
            turn = (player + 1) % players;
            turnChanged.signalAll(); // nobody waits on it here: the players poll
        } finally {
            lock.unlock();
        }
    }
}
