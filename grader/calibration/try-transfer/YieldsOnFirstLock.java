// fails: gives-up-in-time
// As SpinOnFirstLock, but yields between its looks at from's lock: yield returns at once when a core is free, so it spins as much, for as long as another thread holds the first lock.
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
            // wait (up to 1 ms at a time) until from looks free: yields, spinning, while another thread holds it
            long until = Math.min(deadline, System.nanoTime() + 1_000_000L);
            while (from.lock.isLocked() && System.nanoTime() - until < 0) Thread.yield();
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock(10, TimeUnit.MILLISECONDS)) {
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
            TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(50, 500));
        }
    }
}
