import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Hidden tests of the try-transfer exercise: run when grading only. */
class TryTransferHiddenTest {
    @Test
    @Property("money-conserved")
    void moneyConserved() throws Exception {
        movesOnlyUnderTheLocks();
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            LockedAccount[] accounts = new LockedAccount[4];
            for (int i = 0; i < 4; i++) accounts[i] = new LockedAccount(1_000_000);
            Stress.together("4 threads transferring among 4 accounts", 4, Duration.ofSeconds(8), t -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    int from = r.nextInt(4), to = (from + 1 + r.nextInt(3)) % 4;
                    Bank.tryTransfer(accounts[from], accounts[to], 1 + r.nextInt(10), 20);
                }
            });
            long total = 0;
            for (LockedAccount a : accounts) total += a.balance;
            return total == 4_000_000 ? null : String.format("4 accounts of 1,000,000 hold %,d in total after the transfers.", total);
        });
    }

    /**
     * Deterministic, one thread: both accounts' locks are replaced by {@link WatchingLock}s, then
     * tryTransfer(a, b, 10, 200 ms) and tryTransfer(b, a, 10, 200 ms) run with both locks free. A balance
     * that changes while its account's lock is free (before the call takes it, between two holds, after the
     * last release) fails, whether or not another thread could have seen it.
     */
    static void movesOnlyUnderTheLocks() throws Exception {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        WatchingLock la = watch(a, "a"), lb = watch(b, "b");
        la.partner = lb;
        lb.partner = la;
        for (boolean forth : new boolean[] {true, false}) {
            LockedAccount from = forth ? a : b, to = forth ? b : a;
            String call = forth ? "tryTransfer(a, b, 10, 200 ms)" : "tryTransfer(b, a, 10, 200 ms)";
            Object moved = Waiting.start(call + ", both locks free", () -> Bank.tryTransfer(from, to, 10, 200))
                    .returns(Duration.ofSeconds(5));
            for (WatchingLock l : new WatchingLock[] {la, lb}) {
                String wrong = l.problem != null ? l.problem : l.changedSinceRelease();
                if (wrong != null) {
                    throw new AssertionError(call + " returned " + moved + ", but " + wrong + ". Change the balances only"
                            + " while you hold both accounts' locks.");
                }
            }
        }
    }

    /** Puts a {@link WatchingLock} in {@code account}'s lock field (final or not). */
    static WatchingLock watch(LockedAccount account, String name) throws ReflectiveOperationException {
        WatchingLock lock = new WatchingLock(account, name);
        Field f = LockedAccount.class.getDeclaredField("lock");
        f.setAccessible(true);
        try {
            f.set(account, lock);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("LockedAccount.lock must be a ReentrantLock, as in the exercise's code, for this"
                    + " test to watch it; it is a " + f.getType().getName() + ".");
        }
        return lock;
    }

    /**
     * A ReentrantLock that notes its account's balance each time the thread holding it lets go of it for good
     * (its last unlock), and each time a thread takes it (its first hold), checks that the balance is still
     * the one noted: the balance must not change while the lock is free.
     */
    static final class WatchingLock extends ReentrantLock {
        private final LockedAccount account;
        private final String name;
        private volatile Object noted; // the balance, boxed: long in the exercise's code, but any type compiles
        private volatile boolean held;
        /**
         * The balance when the current holder took the lock (its first hold), or when it last held both this lock and
         * the partner's: from then until it lets go, a change made without the partner's lock is half a transfer.
         */
        private volatile Object atTake;
        /** The other account's lock: a transfer changes a balance only while it holds both. */
        volatile WatchingLock partner;
        volatile String problem;

        WatchingLock(LockedAccount account, String name) {
            this.account = account;
            this.name = name;
            this.noted = account.balance;
        }

        private boolean taken(boolean got) {
            if (got && getHoldCount() == 1) {
                Object now = account.balance;
                if (!Objects.equals(now, noted) && problem == null) {
                    problem = name + "'s balance changed from " + noted + " to " + now + " while " + name
                            + "'s lock was free (" + (held ? "between two of the holds" : "before the call took it") + ")";
                }
                held = true;
                atTake = now;
                if (partner != null && partner.isHeldByCurrentThread()) settle();
            }
            return got;
        }

        /** Both locks are held by the calling thread: both balances, as they are now, were changed under both. */
        private void settle() {
            atTake = account.balance;
            partner.atTake = partner.account.balance;
        }

        /** After a call: how the balance changed since the lock was last let go of (or was never held), or null. */
        String changedSinceRelease() {
            Object now = account.balance;
            if (Objects.equals(now, noted)) return null;
            return name + "'s balance changed from " + noted + " to " + now + (held ? " after the call let go of "
                    + name + "'s lock" : " although the call never took " + name + "'s lock");
        }

        @Override
        public void unlock() {
            if (isHeldByCurrentThread() && getHoldCount() == 1) {
                Object now = account.balance;
                if (partner != null && partner.isHeldByCurrentThread()) {
                    settle(); // both held until now: what changed, changed under both
                } else if (partner != null && !Objects.equals(now, atTake) && problem == null) {
                    problem = name + "'s balance changed from " + atTake + " to " + now + " while the call held " + name
                            + "'s lock but not " + partner.name + "'s (since it last held both): a transfer holds both"
                            + " locks while it moves the money, or another thread sees it half done (taken from one"
                            + " account, not yet in the other)";
                }
                noted = now;
            }
            super.unlock();
        }

        @Override
        public void lock() {
            super.lock();
            taken(true);
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            super.lockInterruptibly();
            taken(true);
        }

        @Override
        public boolean tryLock() {
            return taken(super.tryLock());
        }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            return taken(super.tryLock(timeout, unit));
        }
    }
}
