// fails:
// Correct: a volatile balance, written under the lock, read without it (a volatile read sees the latest write).
class Account {
    private volatile long balance; // written under this

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        synchronized (this) {
            balance += amount;
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        synchronized (this) {
            if (balance < amount) return false;
            balance -= amount;
            return true;
        }
    }

    long balance() {
        return balance;
    }
}
