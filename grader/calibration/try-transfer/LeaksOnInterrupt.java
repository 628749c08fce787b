// fails: gives-up-in-time
// Unlocks the first lock when the second times out, but not when the wait for it is interrupted (no finally).
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** An account whose balance is guarded by its own ReentrantLock. */
class LockedAccount {
    final ReentrantLock lock = new ReentrantLock();
    long balance; // guarded by lock

    LockedAccount(long balance) {
        this.balance = balance;
    }
}

class Bank {
    /**
     * Moves amount from one account to the other if it gets both locks within timeoutMillis, and says
     * whether it did. Holds no lock when it returns, whatever happened.
     */
    static boolean tryTransfer(LockedAccount from, LockedAccount to, long amount, long timeoutMillis)
            throws InterruptedException {
        if (!from.lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) return false;
        if (!to.lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) { // an InterruptedException here leaks from's lock
            from.lock.unlock();
            return false;
        }
        try {
            from.balance -= amount;
            to.balance += amount;
            return true;
        } finally {
            to.lock.unlock();
            from.lock.unlock();
        }
    }
}
