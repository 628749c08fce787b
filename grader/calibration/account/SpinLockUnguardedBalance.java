// fails: reads-under-lock
// Deposits and withdrawals take a spin lock of their own (an AtomicBoolean taken by compareAndSet), but balance() reads the field without it: the read has no happens-before edge with the writes (the probe holds the spin lock by setting the flag).
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
        return balance; // MISTAKE: read without the spin lock
    }
}
