// fails: gives-up-in-time
// Backs off by spinning on isLocked() for up to 1 ms between tries: few lock calls, but the call burns a core while the other thread holds the lock.
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
            if (System.nanoTime() - deadline > 0) return false;
            // back off: do not hammer tryLock; wait (up to 1 ms) until both locks look free, then try again
            long until = Math.min(deadline, System.nanoTime() + 1_000_000L);
            while ((from.lock.isLocked() || to.lock.isLocked()) && System.nanoTime() - until < 0) Thread.onSpinWait();
        }
    }
}
