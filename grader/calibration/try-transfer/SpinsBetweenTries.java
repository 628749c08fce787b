// fails: gives-up-in-time
// Shares one deadline and never holds a lock when it returns, but retries tryLock() at once: it spins, burning a core for the whole timeout while the other thread holds the lock.
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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (Thread.interrupted()) throw new InterruptedException();
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) {
                        try {
                            from.balance -= amount;
                            to.balance += amount;
                            return true;
                        } finally {
                            to.lock.unlock();
                        }
                    }
                } finally {
                    from.lock.unlock();
                }
            }
            if (System.nanoTime() - deadline > 0) return false;
            Thread.onSpinWait(); // no back-off: the next try comes at once
        }
    }
}
