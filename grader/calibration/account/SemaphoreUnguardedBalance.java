// fails: reads-under-lock
// Deposits and withdrawals take a Semaphore(1) as their lock, but balance() reads the field without a permit: the
// read has no happens-before edge with the writes (the probe holds the semaphore by taking its permit).
import java.util.concurrent.Semaphore;

class Account {
    private final Semaphore mutex = new Semaphore(1);
    private long balance; // guarded by mutex

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        mutex.acquireUninterruptibly();
        try {
            balance += amount;
        } finally {
            mutex.release();
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        mutex.acquireUninterruptibly();
        try {
            if (balance < amount) return false;
            balance -= amount;
            return true;
        } finally {
            mutex.release();
        }
    }

    long balance() { // no permit
        return balance;
    }
}
