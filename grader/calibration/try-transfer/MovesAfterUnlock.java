// fails: money-conserved
// Checks with tryLock that both locks are free, unlocks them, then moves the money with no lock held.
import java.util.concurrent.ThreadLocalRandom;
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
        boolean got = false;
        while (!got) {
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) { got = true; to.lock.unlock(); }
                } finally {
                    from.lock.unlock();
                }
            }
            if (got) break;
            if (System.nanoTime() > deadline) return false;
            TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 500));
        }
        from.balance -= amount;
        to.balance += amount;
        return true;
    }
}
