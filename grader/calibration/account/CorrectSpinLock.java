// fails:
// Correct: a spin lock of its own (an AtomicBoolean taken by compareAndSet) around every read and write of the balance; the probe holds it by setting the flag, and balance() spins until it is cleared.
import java.util.concurrent.atomic.AtomicBoolean;

class Account {
    private final AtomicBoolean busy = new AtomicBoolean();
    private long balance; // guarded by busy

    private void lock() {
        while (!busy.compareAndSet(false, true)) Thread.onSpinWait();
    }

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        lock();
        try {
            balance += amount;
        } finally {
            busy.set(false);
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        lock();
        try {
            if (balance < amount) return false;
            balance -= amount;
            return true;
        } finally {
            busy.set(false);
        }
    }

    long balance() {
        lock();
        try {
            return balance;
        } finally {
            busy.set(false);
        }
    }
}
