// fails: money-conserved
// Takes both locks only to see that the transfer can go ahead, lets them go, then moves the money with no lock held.
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
            boolean both = false;
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) {
                        to.lock.unlock();
                        both = true;
                    }
                } finally {
                    from.lock.unlock();
                }
            }
            if (both) {
                from.balance -= amount; // no lock held any more: another transfer may change these balances meanwhile
                to.balance += amount;
                return true;
            }
            if (System.nanoTime() > deadline) return false;
            TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 500));
        }
    }
}
