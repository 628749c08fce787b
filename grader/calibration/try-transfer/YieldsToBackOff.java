// fails: gives-up-in-time
// Backs off by calling Thread.yield() in a loop for 50 to 500 µs (stopping on an interrupt) instead of sleeping: it spins, burning a core on an idle machine; on a loaded one it gives the core away and uses little CPU, but stays RUNNABLE.
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/** An account whose balance is guarded by its own ReentrantLock. */
class LockedAccount {
    final ReentrantLock lock = new ReentrantLock();
    long balance; // guarded by lock

    LockedAccount(long balance) {
        this.balance = balance;
    }
}

class Bank {
    /**
     * Moves amount from one account to the other if it gets both locks within timeoutMillis, and says
     * whether it did. Holds no lock when it returns, whatever happened.
     */
    static boolean tryTransfer(LockedAccount from, LockedAccount to, long amount, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            if (from.lock.tryLock()) {
                try {
                    if (to.lock.tryLock()) {
                        try {
                            from.balance -= amount;
                            to.balance += amount;
                            return true;
                        } finally {
                            to.lock.unlock();
                        }
                    }
                } finally {
                    from.lock.unlock(); // never keep one lock while waiting for the other
                }
            }
            if (System.nanoTime() > deadline) return false;
            // Back off for a random moment, so that two threads do not retry in step forever (livelock).
            long until = System.nanoTime() + ThreadLocalRandom.current().nextInt(50_000, 500_000);
            while (System.nanoTime() - until < 0) {
                if (Thread.interrupted()) throw new InterruptedException();
                Thread.yield(); // back off politely: let other threads run
            }
        }
    }
}