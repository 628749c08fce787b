// fails: holds-account-locks
// A ReentrantLock per account and tryLock() in a loop: no deadlock, but it spins instead of waiting, and not on the accounts' own locks.
import java.util.concurrent.locks.ReentrantLock;

class BankAccount {
    final int id;
    long balance;
    final ReentrantLock lock = new ReentrantLock();

    BankAccount(int id, long balance) {
        this.id = id;
        this.balance = balance;
    }
}

class Bank {
    static void transfer(BankAccount from, BankAccount to, long amount) {
        while (true) {
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) {
                        try {
                            from.balance -= amount;
                            to.balance += amount;
                            return;
                        } finally {
                            to.lock.unlock();
                        }
                    }
                } finally {
                    from.lock.unlock();
                }
            }
        }
    }
}
