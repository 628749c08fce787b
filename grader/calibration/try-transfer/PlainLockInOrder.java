// fails: no-deadlock, gives-up-in-time
// lock() instead of tryLock(), in argument order: opposite transfers deadlock, and it never gives up.
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
        from.lock.lock();
        try {
            to.lock.lock();
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
