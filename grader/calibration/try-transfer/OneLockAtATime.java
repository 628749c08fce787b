// fails: gives-up-in-time, money-conserved
// Never holds both locks: debits under from's lock, lets it go, credits under to's; another thread sees the money in neither account, and an interrupt while it waits for to's lock loses it.
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        // never hold two locks at once, so no cycle of waits can form: debit under from's lock, credit under to's
        if (!from.lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) return false;
        try {
            from.balance -= amount;
        } finally {
            from.lock.unlock();
        }
        if (to.lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            try {
                to.balance += amount;
                return true;
            } finally {
                to.lock.unlock();
            }
        }
        from.lock.lock(); // could not credit in time: put the money back
        try {
            from.balance += amount;
        } finally {
            from.lock.unlock();
        }
        return false;
    }
}
