// fails: linearizable
// Each step is locked, but the check and the update are two critical sections: another withdrawal fits between.
class Account {
    private long balance;

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        synchronized (this) {
            balance += amount;
        }
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        boolean enough;
        synchronized (this) {
            enough = balance >= amount;
        }
        if (!enough) return false;
        synchronized (this) {
            balance -= amount;
        }
        return true;
    }

    long balance() {
        synchronized (this) {
            return balance;
        }
    }
}
