// fails:
// Correct: the balance is volatile and written under the account's monitor; a plain count of operations beside it is guarded by the monitor too. balance() reads only the volatile balance, which needs no lock (the count is never read without the lock).
class Account {
    private volatile long balance; // written under this, read anywhere
    private long operations; // guarded by this

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

    long balance() { // a volatile read
        return balance;
    }

    synchronized long operations() {
        return operations;
    }
}
