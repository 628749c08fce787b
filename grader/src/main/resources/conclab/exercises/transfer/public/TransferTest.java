import conclab.grader.probe.Hang;
import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.lang.management.ManagementFactory;
import java.lang.management.LockInfo;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Public tests of the transfer exercise: the learner may read them. */
class TransferTest {
    @Test
    @Property("moves-money")
    void movesMoney() {
        BankAccount a = new BankAccount(1, 100), b = new BankAccount(2, 0);
        Bank.transfer(a, b, 30);
        if (a.balance != 70 || b.balance != 30) {
            throw new AssertionError("After transfer(a, b, 30) from 100 and 0, the balances are " + a.balance
                    + " and " + b.balance + ", not 70 and 30.");
        }
        // and the other way, from the account with the larger id: the locks go in id order, the money does not
        Bank.transfer(b, a, 10);
        if (a.balance != 80 || b.balance != 20) {
            throw new AssertionError("After transfer(a, b, 30) then transfer(b, a, 10) (b has the larger id), from 100 and 0,"
                    + " the balances are " + a.balance + " and " + b.balance + ", not 80 and 20: lock in id order, but move"
                    + " the money from `from` to `to`.");
        }
    }

    /**
     * Thread "a to b" and thread "b to a", released together, each transferring for 300 ms (so that they
     * overlap even on a busy machine); up to 5 rounds in 3 s. A deadlock is reported as soon as it forms.
     * Then the same between two accounts with equal System.identityHashCode (the order of those hashes has a
     * tie there, and a tie broken by argument order is the deadlock again).
     */
    @Test
    @Property("no-deadlock")
    void noDeadlock() {
        Bank.transfer(new BankAccount(1, 0), new BankAccount(2, 0), 0); // the unwritten stub fails here, as "not done"
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            BankAccount a = new BankAccount(1, 1_000_000_000), b = new BankAccount(2, 1_000_000_000);
            Liveness.finish("Two threads transferring between the same two accounts in opposite directions",
                    Duration.ofSeconds(8),
                    Liveness.task("transfer a to b", () -> transferFor(a, b)),
                    Liveness.task("transfer b to a", () -> transferFor(b, a)));
            return null;
        });
        // The same between two accounts with equal System.identityHashCode: an order by that hash alone ties there.
        BankAccount[] twins = equalIdentityHashes();
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            BankAccount a = twins[0], b = twins[1];
            Liveness.finish("Two threads transferring in opposite directions between two accounts (ids " + a.id + " and "
                            + b.id + ") whose System.identityHashCode is the same, " + System.identityHashCode(a) + " (so both"
                            + " show as BankAccount@" + Integer.toHexString(System.identityHashCode(a)) + " below)",
                    Duration.ofSeconds(8),
                    Liveness.task("transfer a to b", () -> transferFor(a, b)),
                    Liveness.task("transfer b to a", () -> transferFor(b, a)));
            return null;
        });
    }

    /**
     * Two accounts (unique ids, like all the others) with the same System.identityHashCode. HotSpot's identity
     * hashes have 31 bits, so among n new objects some two share one once n nears 2^16 (the birthday bound):
     * about 55,000 accounts (the median), a fraction of a second. That 1,000,000 have no such pair has a
     * chance of about e^-233.
     */
    private static BankAccount[] equalIdentityHashes() {
        java.util.HashMap<Integer, BankAccount> byHash = new java.util.HashMap<>();
        for (int id = 1; id <= 1_000_000; id++) {
            BankAccount account = new BankAccount(id, 1_000_000_000);
            BankAccount twin = byHash.putIfAbsent(System.identityHashCode(account), account);
            if (twin != null) return new BankAccount[] {twin, account};
        }
        throw new IllegalStateException("no two of 1,000,000 accounts have the same System.identityHashCode");
    }

    /**
     * The test takes account a's lock itself (synchronized (a)) and starts transfer(a, b, 10): the transfer
     * must be BLOCKED on that very monitor, and move nothing, until the test lets go. Then the same with b's
     * lock. A transfer that takes some other lock (one for the whole bank, a ReentrantLock of its own) or
     * none does not wait, so code elsewhere that locks an account to read or change its balance would not
     * be excluded.
     *
     * <p>While it is BLOCKED on one account, the transfer must hold the other's monitor or not have changed the
     * other's balance yet: one that debits a under a's lock, lets it go and then waits for b's (one lock at a
     * time, which cannot deadlock) has the money in neither account meanwhile, for any thread that locks both.
     */
    @Test
    @Property("holds-account-locks")
    void holdsAccountLocks() {
        Bank.transfer(new BankAccount(1, 0), new BankAccount(2, 0), 0); // the unwritten stub fails here, as "not done"
        BankAccount a = new BankAccount(1, 100), b = new BankAccount(2, 0);
        long[] want = {90, 10, 80, 20};
        for (int round = 0; round < 2; round++) {
            BankAccount held = round == 0 ? a : b, other = round == 0 ? b : a;
            String name = round == 0 ? "a (the source)" : "b (the destination)";
            String otherName = round == 0 ? "b" : "a";
            long otherBefore = other.balance;
            Waiting transfer;
            synchronized (held) {
                transfer = Waiting.start("transfer(a, b, 10)", () -> {
                    Bank.transfer(a, b, 10);
                    return null;
                });
                if (!blockedOn(transfer.thread(), held, Duration.ofSeconds(5))) {
                    String did = transfer.done() ? "returned, and the balances of a and b became " + a.balance
                            + " and " + b.balance : Hang.doing(transfer.thread()).replaceFirst("^is ", "was ");
                    throw new AssertionError("While the test held the lock of account " + name + " (synchronized on"
                            + " it), transfer(a, b, 10) did not wait for that lock: it " + did + ". A balance is"
                            + " guarded by its account's own lock: synchronize on both accounts.");
                }
                // It stays BLOCKED on held while the test holds it, so it can take no other lock meanwhile.
                if (!holdsMonitor(transfer.thread(), other)) {
                    long otherNow;
                    synchronized (other) { // free: the transfer does not hold it and cannot take it now
                        otherNow = other.balance;
                    }
                    if (otherNow != otherBefore) {
                        throw new AssertionError("While the test held the lock of account " + name + ", transfer(a, b,"
                                + " 10) waited for it without holding " + otherName + "'s lock, but it had already changed "
                                + otherName + "'s balance from " + otherBefore + " to " + otherNow + ": until it gets the"
                                + " lock, a thread that locks both accounts sees " + (held.balance + otherNow) + " in all,"
                                + " not 100. Taking one lock at a time cannot deadlock, but the money must move while"
                                + " both locks are held: take both (in the same order in every thread), then move it.");
                    }
                }
            }
            transfer.returns(Duration.ofSeconds(5));
            if (a.balance != want[2 * round] || b.balance != want[2 * round + 1]) {
                throw new AssertionError("After transfer(a, b, 10) from " + (100 - 10 * round) + " and " + 10 * round
                        + ", the balances are " + a.balance + " and " + b.balance + ", not " + want[2 * round] + " and "
                        + want[2 * round + 1] + ".");
            }
        }
    }

    /** Whether thread t becomes BLOCKED entering the monitor of lock within limit (false once t ends). */
    private static boolean blockedOn(Thread t, Object lock, Duration limit) {
        var mx = ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline && t.isAlive()) {
            ThreadInfo info = mx.getThreadInfo(t.threadId());
            LockInfo on = info == null ? null : info.getLockInfo();
            if (info != null && info.getThreadState() == Thread.State.BLOCKED && on != null
                    && on.getIdentityHashCode() == System.identityHashCode(lock)
                    && on.getClassName().equals(lock.getClass().getName())) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /**
     * Whether thread t, which is BLOCKED, holds the monitor of lock (synchronized on it): the JVM's own list of the
     * monitors a thread holds, found on its stack.
     */
    private static boolean holdsMonitor(Thread t, Object lock) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {t.threadId()}, true, false)[0];
        if (info == null) throw new IllegalStateException(t.getName() + " ended while the test held a lock it waits for");
        for (MonitorInfo m : info.getLockedMonitors()) {
            if (m.getIdentityHashCode() == System.identityHashCode(lock)
                    && m.getClassName().equals(lock.getClass().getName())) {
                return true;
            }
        }
        return false;
    }

    private static void transferFor(BankAccount from, BankAccount to) {
        long end = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) Bank.transfer(from, to, 1);
        }
    }
}
