// fails: gives-up-in-time
// Counts tries instead of time: one try per millisecond of the timeout, but 10 ms of sleep between tries, so a
// 200 ms timeout gives up after about 2 s. It tries often and unlocks in finally, as it should.
import java.util.concurrent.locks.ReentrantLock;

class LockedAccount {
    final ReentrantLock lock = new ReentrantLock();
    long balance;
    LockedAccount(long balance) { this.balance = balance; }
}

class Bank {
    static boolean tryTransfer(LockedAccount from, LockedAccount to, long amount, long timeoutMillis)
            throws InterruptedException {
        for (long tries = 0; tries < timeoutMillis; tries++) {
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) {
                        try { from.balance -= amount; to.balance += amount; return true; }
                        finally { to.lock.unlock(); }
                    }
                } finally { from.lock.unlock(); }
            }
            Thread.sleep(10);
        }
        return false;
    }
}
