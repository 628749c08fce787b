// fails: sequential
// withdraw refuses when the balance equals the amount (balance <= amount instead of <): the whole balance can never be withdrawn.
/** A bank account that threads share: no deposit gets lost, no withdrawal overdraws. */
class Account {
    private long balance; // guarded by this

    /** Adds amount, which must be positive (else IllegalArgumentException). */
    void deposit(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        synchronized (this) {
            balance += amount;
        }
    }

    /** Takes amount (positive, else IllegalArgumentException) out if the balance covers it, and says whether it did. */
    boolean withdraw(long amount) {
        if (amount <= 0) throw new IllegalArgumentException("amount must be positive: " + amount);
        synchronized (this) {
            if (balance <= amount) return false; // off by one: a balance of exactly amount covers it
            balance -= amount;
            return true;
        }
    }

    long balance() {
        synchronized (this) {
            return balance;
        }
    }
}
