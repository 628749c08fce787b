// fails: moves-money
// Updates the balances through the lock-ordered names (first -= amount, second += amount): when from has the larger id, the money goes the wrong way.
/** An account; its balance is guarded by the account's own lock (synchronized on it). */
class BankAccount {
    final int id; // unique: a global order on accounts
    long balance; // guarded by this

    BankAccount(int id, long balance) {
        this.id = id;
        this.balance = balance;
    }
}

class Bank {
    /** Moves amount from one account to the other, holding both accounts' locks. */
    static void transfer(BankAccount from, BankAccount to, long amount) {
        BankAccount first = from.id < to.id ? from : to;
        BankAccount second = first == from ? to : from;
        synchronized (first) {
            synchronized (second) {
                first.balance -= amount;
                second.balance += amount;
            }
        }
    }
}
