// fails:
// Correct: locks in id order and changes the first account's balance as soon as it holds its lock, before it waits for the second's; it keeps the first lock until both have changed.
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
        BankAccount first = from.id < to.id ? from : to;
        BankAccount second = first == from ? to : from;
        synchronized (first) {
            first.balance += first == from ? -amount : amount;
            synchronized (second) {
                second.balance += second == from ? -amount : amount;
            }
        }
    }
}
