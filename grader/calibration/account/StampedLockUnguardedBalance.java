// fails: reads-under-lock
// Deposits and withdrawals take a StampedLock's write lock, but balance() reads the field with no lock and no stamp:
// the read has no happens-before edge with the writes (the probe holds the StampedLock's write lock).
import java.util.concurrent.locks.StampedLock;

class Account {
    private final StampedLock lock = new StampedLock();
    private long balance; // guarded by lock

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        long stamp = lock.writeLock();
        try {
            balance += amount;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        long stamp = lock.writeLock();
        try {
            if (balance < amount) return false;
            balance -= amount;
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    long balance() { // no lock, no stamp
        return balance;
    }
}
