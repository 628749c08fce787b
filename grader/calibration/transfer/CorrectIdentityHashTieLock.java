// fails:
// Correct: locks in the order of System.identityHashCode, and two accounts with equal hashes under a tie lock first (Goetz's Java Concurrency in Practice, 10.1.2).
class BankAccount {
    final int id;
    long balance;

    BankAccount(int id, long balance) {
        this.id = id;
        this.balance = balance;
    }
}

class Bank {
    private static final Object TIE_LOCK = new Object();

    static void transfer(BankAccount from, BankAccount to, long amount) {
        int fromHash = System.identityHashCode(from), toHash = System.identityHashCode(to);
        if (fromHash < toHash) {
            synchronized (from) {
                synchronized (to) {
                    move(from, to, amount);
                }
            }
        } else if (fromHash > toHash) {
            synchronized (to) {
                synchronized (from) {
                    move(from, to, amount);
                }
            }
        } else {
            synchronized (TIE_LOCK) {
                synchronized (from) {
                    synchronized (to) {
                        move(from, to, amount);
                    }
                }
            }
        }
    }

    private static void move(BankAccount from, BankAccount to, long amount) {
        from.balance -= amount;
        to.balance += amount;
    }
}
