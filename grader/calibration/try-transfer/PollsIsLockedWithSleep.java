// fails:
// Correct (must pass everything): after a failed try, sleeps 1 ms at a time until both locks look free (isLocked), checking the deadline each time, then tries again.
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
        while (true) {
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
            // back off: sleep 1 ms at a time until both locks look free, then try again
            do {
                if (System.nanoTime() - deadline > 0) return false;
                Thread.sleep(1);
            } while (from.lock.isLocked() || to.lock.isLocked());
        }
    }
}
