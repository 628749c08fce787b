// fails: holds-account-locks
// One lock for the whole bank: no deadlock, but the accounts' own locks are never taken, so code that locks an account is not excluded.
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
        synchronized (Bank.class) {
            from.balance -= amount;
            to.balance += amount;
        }
    }
}
