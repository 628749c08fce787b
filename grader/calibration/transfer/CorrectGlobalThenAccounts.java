// fails:
// Correct: one lock for the whole bank, then both accounts' own locks inside it (in argument order, which cannot deadlock under the bank's lock).
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
            synchronized (from) {
                synchronized (to) {
                    from.balance -= amount;
                    to.balance += amount;
                }
            }
        }
    }
}
