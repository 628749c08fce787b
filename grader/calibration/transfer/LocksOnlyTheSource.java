// fails: holds-account-locks, money-conserved
// Only the source account is locked: two transfers into the same account race on its balance.
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
            from.balance -= amount;
            to.balance += amount;
        }
    }
}
