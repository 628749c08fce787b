// fails: gives-up-in-time
// One tryLock with the whole timeout on each lock: the deadline is not shared, so a call whose first lock comes late
// waits up to twice timeoutMillis.
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

class LockedAccount {
    final ReentrantLock lock = new ReentrantLock();
    long balance; // guarded by lock
    LockedAccount(long balance) { this.balance = balance; }
}

class Bank {
    static boolean tryTransfer(LockedAccount from, LockedAccount to, long amount, long timeoutMillis)
            throws InterruptedException {
        if (!from.lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) return false;
        try {
            if (!to.lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) return false;   // the whole timeout again
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
