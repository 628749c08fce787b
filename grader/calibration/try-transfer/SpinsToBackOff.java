// fails: gives-up-in-time
// Tries both locks with tryLock(), then backs off for a random 50 to 500 µs, but waits out the back-off in a loop on System.nanoTime() instead of sleeping: it spins on the clock, not on a lock, and burns a core for as long as another thread holds either lock.
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
            long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(ThreadLocalRandom.current().nextInt(50, 500));
            while (System.nanoTime() - until < 0) Thread.onSpinWait(); // a back-off that waits by spinning on the clock
        }
    }
}
