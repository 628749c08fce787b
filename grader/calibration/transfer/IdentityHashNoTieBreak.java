// fails: no-deadlock
// Locks in the order of System.identityHashCode with no tie-breaker: two accounts with equal hash codes are locked in argument order, and opposite transfers between them deadlock.
class BankAccount {
    final int id;
    long balance;

    BankAccount(int id, long balance) {
        this.id = id;
        this.balance = balance;
    }
}

class Bank {
    static void transfer(BankAccount from, BankAccount to, long amount) {
        BankAccount first = System.identityHashCode(from) <= System.identityHashCode(to) ? from : to;
        BankAccount second = first == from ? to : from;
        synchronized (first) {
            synchronized (second) {
                from.balance -= amount;
                to.balance += amount;
            }
        }
    }
}
