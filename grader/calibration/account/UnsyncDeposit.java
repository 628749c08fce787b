// fails: linearizable
// withdraw() is synchronized, deposit() is not: a deposit and a withdrawal at once can lose one of them.
class Account {
    private long balance;

    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        balance += amount;
    }

    synchronized boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        if (balance < amount) return false;
        balance -= amount;
        return true;
    }

    synchronized long balance() {
        return balance;
    }
}
