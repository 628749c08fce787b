// fails: gives-up-in-time
// Tries both locks once, sleeps the whole timeout, then tries once more: a lock freed meanwhile is taken only at the end.
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
        if (tryOnce(from, to, amount)) return true;
        Thread.sleep(timeoutMillis);
        return tryOnce(from, to, amount);
    }

    /** One try at both locks, no waiting: moves the money if it gets them both. */
    static boolean tryOnce(LockedAccount from, LockedAccount to, long amount) {
        if (!from.lock.tryLock()) return false;
        try {
            if (!to.lock.tryLock()) return false;
            try {
                from.balance -= amount;
                to.balance += amount;
                return true;
            } finally {
                to.lock.unlock();
            }
        } finally {
            from.lock.unlock();
        }
    }
}
