// fails: refusal-releases-lock
// Checks the amount after lock() and unlocks only on the normal path: a refused call keeps the lock forever.
import java.util.concurrent.locks.ReentrantLock;

class Account {
    private final ReentrantLock lock = new ReentrantLock();
    private long balance;

    void deposit(long amount) {
        lock.lock();
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        balance += amount;
        lock.unlock();
    }

    boolean withdraw(long amount) {
        lock.lock();
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        boolean ok = balance >= amount;
        if (ok) balance -= amount;
        lock.unlock();
        return ok;
    }

    long balance() {
        lock.lock();
        long b = balance;
        lock.unlock();
        return b;
    }
}
