// fails: linearizable
// Each call locks a ReentrantLock of its own, made in the call: no other thread ever waits for it.
import java.util.concurrent.locks.ReentrantLock;

class Account {
    private long balance;

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try {
            balance += amount;
        } finally {
            lock.unlock();
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try {
            if (balance < amount) return false;
            balance -= amount;
            return true;
        } finally {
            lock.unlock();
        }
    }

    long balance() {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        try {
            return balance;
        } finally {
            lock.unlock();
        }
    }
}
