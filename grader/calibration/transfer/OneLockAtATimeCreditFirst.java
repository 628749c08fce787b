// fails: holds-account-locks
// Never holds both locks: credits under to's lock, lets it go, then debits under from's; meanwhile a thread that locks both accounts sees the money in both.
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
        synchronized (to) {
            to.balance += amount;
        }
        synchronized (from) {
            from.balance -= amount;
        }
    }
}
