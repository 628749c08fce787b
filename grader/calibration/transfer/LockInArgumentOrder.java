// fails: no-deadlock
// "a to b" holds a and waits for b while "b to a" holds b and waits for a.
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
        synchronized (from) {
            synchronized (to) {
                from.balance -= amount;
                to.balance += amount;
            }
        }
    }
}
