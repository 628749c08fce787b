// fails: holds-account-locks
// Never holds both locks (so it cannot deadlock): debits under from's lock, lets it go, then credits under to's; meanwhile a thread that locks both accounts sees the money in neither.
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
        }
        synchronized (to) {
            to.balance += amount;
        }
    }
}
