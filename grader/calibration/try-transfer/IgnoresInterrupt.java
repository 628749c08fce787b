// fails: gives-up-in-time
// Catches the InterruptedException of tryLock and tries on until its deadline, the flag cleared: an interrupt does not stop it.
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
        while (true) {
            boolean got;
            try {
                got = from.lock.tryLock(10, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                continue; // interrupted: tries on until the deadline
            }
            if (got) {
                try {
                    boolean both;
                    try {
                        both = to.lock.tryLock(10, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        both = false; // interrupted: tries on until the deadline
                    }
                    if (both) {
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
            if (System.nanoTime() > deadline) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50, 500) * 1000L);
        }
    }
}
