// fails: rejects-non-positive
// Thread-safe, but a negative deposit is a withdrawal nobody checked.
class Account {
    private long balance;

    synchronized void deposit(long amount) {
        balance += amount;
    }

    synchronized boolean withdraw(long amount) {
        if (balance < amount) return false;
        balance -= amount;
        return true;
    }

    synchronized long balance() {
        return balance;
    }
}
