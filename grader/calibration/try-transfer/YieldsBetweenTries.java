// fails: gives-up-in-time
// Retries tryLock() after a Thread.yield(): on a machine with a core to spare, yield returns at once, so this spins as much as a loop without it.
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
            Thread.yield();
        }
    }
}
