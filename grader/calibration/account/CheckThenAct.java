// fails: linearizable
// No lock: two withdrawals can both see enough money, and both take it.
class Account {
    private long balance;

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        balance += amount;
    }

    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        if (balance < amount) return false;
        balance -= amount;
        return true;
    }

    long balance() {
        return balance;
    }
}
