// fails: reads-under-lock
// Deposits and withdrawals are synchronized and also count the operations in a volatile field, but balance() reads the
// plain balance without the lock: the volatile counter beside it gives the balance's read no happens-before edge.
class Account {
    private long balance; // guarded by this
    private volatile long operations; // written under this

    synchronized void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        balance += amount;
        operations++;
    }

    synchronized boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        if (balance < amount) return false;
        balance -= amount;
        operations++;
        return true;
    }

    long balance() { // no lock
        return balance;
    }
}
