// fails: refusal-releases-lock
// Rejects a non-positive amount before lock(), but returns false for a balance too low with the lock still held:
// a withdrawal refused for want of money keeps the lock forever. (Lincheck's runs of linearizable, which start
// from a balance of 0, may hang on it too; the hidden test is the one that names it.)
import java.util.concurrent.locks.ReentrantLock;

class Account {
    private final ReentrantLock lock = new ReentrantLock();
    private long balance;

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        lock.lock();
        try {
            balance += amount;
        } finally {
            lock.unlock();
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        lock.lock();
        if (balance < amount) return false;
        balance -= amount;
        lock.unlock();
        return true;
    }

    long balance() {
        lock.lock();
        try {
            return balance;
        } finally {
            lock.unlock();
        }
    }
}
