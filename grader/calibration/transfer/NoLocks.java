// fails: holds-account-locks, money-conserved
// No lock at all: no deadlock, but balance updates race and money appears and vanishes.
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
        from.balance -= amount;
        to.balance += amount;
    }
}
