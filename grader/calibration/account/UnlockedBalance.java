// fails: reads-under-lock
// Deposits and withdrawals are synchronized, but balance() reads the field without the lock: the read has no
// happens-before edge with the writes, and may return a stale balance. Lincheck, which assumes every write is seen at
// once, cannot see that.
class Account {
    private long balance;

    synchronized void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        balance += amount;
    }

    synchronized boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        if (balance < amount) return false;
        balance -= amount;
        return true;
    }

    long balance() { // no lock
        return balance;
    }
}
