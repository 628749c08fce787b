import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** Public tests of the try-transfer exercise: the learner may read them. */
class TryTransferTest {
    @Test
    @Property("moves-money")
    void movesMoney() throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(0);
        boolean moved = Bank.tryTransfer(a, b, 30, 100);
        if (!moved || a.balance != 70 || b.balance != 30) {
            throw new AssertionError("tryTransfer(a, b, 30, 100) with both locks free returned " + moved
                    + ", and the balances are " + a.balance + " and " + b.balance + ", not true, 70 and 30.");
        }
        if (a.lock.isLocked() || b.lock.isLocked()) throw new AssertionError("A lock was still held after tryTransfer returned.");
    }

    /** Each thread retries until its transfer succeeds, for 300 ms, in opposite directions; up to 5 rounds. */
    @Test
    @Property("no-deadlock")
    void noDeadlock() throws InterruptedException {
        Bank.tryTransfer(new LockedAccount(0), new LockedAccount(0), 0, 10); // the stub fails here, as "not done"
        Stress.repeat(5, Duration.ofSeconds(3), round -> {
            LockedAccount a = new LockedAccount(1_000_000_000), b = new LockedAccount(1_000_000_000);
            Liveness.finish("Two threads transferring between the same two accounts in opposite directions",
                    Duration.ofSeconds(8),
                    Liveness.task("transfer a to b", () -> transferFor(a, b)),
                    Liveness.task("transfer b to a", () -> transferFor(b, a)));
            return null;
        });
    }

    static void transferFor(LockedAccount from, LockedAccount to) throws InterruptedException {
        long end = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < end) {
            while (!Bank.tryTransfer(from, to, 1, 50)) { }
        }
    }

    @Test
    @Property("gives-up-in-time")
    void givesUpInTime() throws InterruptedException {
        givesUpWhileTaken("b");   // the second lock taken: it gets a's, must wait for b's, and must let a's go
        givesUpWhileTaken("a");   // the first lock taken
        triesUntilTheLockIsFree();
        letsGoWhenInterrupted();
        sharesTheDeadline();
        waitsWithoutBurning("b");   // waits for the second lock, holding the first or not
        waitsWithoutBurning("a");   // waits for the first: a spin until it looks free shows only here
    }

    /**
     * Another thread holds the lock of account {@code taken} ("a" or "b") while tryTransfer(a, b, 10, 3000 ms) runs,
     * until it gives up: while the test does 300 ms of CPU work of its own (or until the call ends, if sooner), the
     * call's thread must use CPU for less than a quarter of that time, and be RUNNABLE in at most half of the
     * test's looks at it ({@link #spins}): a back-off that sleeps or waits in a timed tryLock uses a few percent
     * and is seldom seen RUNNABLE; one that spins, on tryLock, isLocked or anything else, with onSpinWait or yield,
     * uses a core, or stays ready to run when the machine is loaded. Both locks are checked: a call may spin only
     * while the first lock is taken (waiting for it to look free before each try), or only while the second is.
     * Over the whole call it must try the taken lock again on average within {@link #MEAN_GAP_MILLIS}, as in a
     * 200 ms call: a back-off that doubles without a cap waits about a quarter of the time elapsed before each try
     * (from any first pause, 150 ms or more on average over 3 s), and would take a lock freed late in the call up
     * to that long after.
     */
    static void waitsWithoutBurning(String taken) throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        LockedAccount held = taken.equals("a") ? a : b;
        TimingLock timed = timing(held);
        CountDownLatch locked = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("holder of " + taken + "'s lock").start(() -> {
            held.lock.lock();
            try {
                locked.countDown();
                release.await();
            } catch (InterruptedException e) {
                // ends the test
            } finally {
                held.lock.unlock();
            }
        });
        locked.await();
        String what = "tryTransfer(a, b, 10, 3000 ms) while another thread holds " + taken + "'s lock";
        Waiting call = Waiting.start(what, () -> {
            timed.caller = Thread.currentThread();
            timed.from = System.nanoTime();
            try {
                return Bank.tryTransfer(a, b, 10, 3000);
            } finally {
                timed.to = System.nanoTime();
            }
        });
        Object moved;
        try {
            // up to 300 ms of the test's CPU work, or until the call ends (a loaded machine can take seconds of wall
            // time for 300 ms of CPU); less than Watch.LEAST_WORK of it is too little to judge by
            Waiting.Watch cpu = Waiting.watchWhileWorking(call.thread(), Duration.ofMillis(300));
            if (cpu.work().compareTo(Waiting.Watch.LEAST_WORK) >= 0 && spins(cpu)) {
                throw new AssertionError("While another thread held " + taken + "'s lock, "
                        + what.substring(0, what.indexOf(" while")) + " used " + cpu.cpu().toMillis() + " ms of CPU in "
                        + cpu.window().toMillis() + " ms, and was running (or ready to run) in " + cpu.runnable() + " of "
                        + cpu.samples() + " looks at its thread: it spins and burns a core (between"
                        + " its tries, or waiting for a lock to look free; Thread.yield() returns at once when a core is"
                        + " free). Wait between tries (a short random sleep, or a tryLock with a timeout), not in a loop"
                        + " that checks again and again.");
            }
            moved = call.returns(Duration.ofSeconds(6));   // the lock stays taken until the call gives up
        } finally {
            release.countDown();
            holder.join();
        }
        if (!Boolean.FALSE.equals(moved) || a.balance != 100 || b.balance != 100) {
            throw new AssertionError(what + " returned " + moved + " and the balances are " + a.balance + " and "
                    + b.balance + ", not false, 100 and 100.");
        }
        if (timed.meanGapMillis() > MEAN_GAP_MILLIS) {
            throw new AssertionError(what + " until it gave up tried " + taken + "'s lock " + timed.describeTries()
                    + " in " + (timed.to - timed.from) / 1_000_000 + " ms, and between its tries it waited "
                    + timed.meanGapMillis() + " ms on average: try again soon over the whole call (on average within "
                    + MEAN_GAP_MILLIS + " ms), for long timeouts too. A back-off that keeps growing (doubling with no"
                    + " cap) ends up waiting a large part of the timeout between two tries: cap it.");
        }
    }

    /**
     * Whether the call spun while the test watched it ({@link Waiting#watchWhileWorking}): CPU time for a quarter of
     * the window's wall time or more, or RUNNABLE in more than half the looks. A thread that sleeps or parks between
     * tries uses CPU in proportion to the wall time, a few percent, however busy the machine is (measured against the
     * test's own CPU time instead, as {@link Waiting.Watch#spins} does, it came near a quarter on a machine with 25
     * runnable threads per core); it is TIMED_WAITING until it runs again, woken or not. A thread that spins gets as
     * much of a core as the machine gives it, little when it is loaded, but stays RUNNABLE (ready to run), and so does
     * a loop of Thread.yield(), which gives the core away.
     */
    static boolean spins(Waiting.Watch w) {
        return w.cpu().toNanos() * 4 >= w.window().toNanos() || w.runnable() * 2 > w.samples();
    }

    /**
     * Another thread holds the lock of account {@code taken} ("a" or "b") while tryTransfer(a, b, 10, 200 ms)
     * runs: it must return false after at least 150 ms and at most 1 s, holding no lock, and move nothing; and while it runs it
     * must try the taken lock again soon each time: on average within 50 ms (the time it spends waiting inside
     * a call of the lock, as a timed tryLock, counts as trying).
     */
    static void givesUpWhileTaken(String taken) throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        LockedAccount held = taken.equals("a") ? a : b, other = held == a ? b : a;
        String call = "tryTransfer(a, b, 10, 200 ms) while another thread holds " + taken + "'s lock";
        long elapsed = timedGiveUp(a, b, held, 200);
        if (elapsed < 150) {
            throw new AssertionError(call + " gave up after " + elapsed + " ms: it must keep trying"
                    + " for about timeoutMillis before it gives up.");
        }
        TimingLock timed = (TimingLock) held.lock;
        long own = (timed.to - timed.from) / 1_000_000; // on the call's own thread: no start-up or hand-over delays
        if (own > GIVE_UP_WITHIN_MILLIS) {
            throw new AssertionError(call + " gave up only after " + own + " ms: it must give up once timeoutMillis"
                    + " have passed (within " + GIVE_UP_WITHIN_MILLIS + " ms here). Measure the time (System.nanoTime()"
                    + " against a deadline), not the number of tries: how long a try and the wait after it take is not yours to know.");
        }
        if (other.lock.isLocked()) {
            throw new AssertionError("After " + call + " gave up, " + (other == a ? "a" : "b") + "'s lock was still held:"
                    + " unlock what you locked before giving up.");
        }
        if (a.balance != 100 || b.balance != 100) {
            throw new AssertionError(call + " gave up but the balances changed to " + a.balance + " and " + b.balance + ".");
        }
        long nanosPerTry = (timed.to - timed.from) / Math.max(1, timed.tries());
        if (nanosPerTry < MIN_NANOS_PER_TRY) {
            throw new AssertionError(call + " tried " + taken + "'s lock " + timed.describeTries() + " in " + own
                    + " ms, one try every " + nanosPerTry / 1000.0 + " µs on average: it retried (or looked again) at"
                    + " once, spinning, and burned a core while the other thread held the lock. Wait a little between"
                    + " tries (a short random sleep, or a tryLock with a timeout).");
        }
        if (timed.meanGapMillis() > MEAN_GAP_MILLIS) {
            throw new AssertionError(call + " tried " + taken + "'s lock " + timed.describeTries() + " in " + elapsed + " ms,"
                    + " and between its tries it waited " + timed.meanGapMillis() + " ms on average: try again soon (on"
                    + " average within " + MEAN_GAP_MILLIS + " ms; a short random back-off, or a tryLock with a timeout),"
                    + " so that a lock freed while you wait is taken at once, not after a long sleep.");
        }
    }

    /**
     * The longest a call with a timeout of 200 ms may take to give up, measured on the call's own thread (from its
     * first statement to its return): the timeout, a
     * back-off and a busy machine's delays fit well within it; a call that counts tries instead of time does not.
     */
    static final long GIVE_UP_WITHIN_MILLIS = 1000;

    /**
     * The shortest mean time per try of a taken lock over the call (its whole time divided by its tries, a look with
     * isLocked() counted as a try): a loop that retries tryLock(), or looks at isLocked(), at once, with onSpinWait
     * or yield, tries every microsecond or so; a sleep or park of any
     * length takes tens of microseconds on Linux (its timer slack alone is 50 µs), a timed tryLock as long as its
     * timeout.
     */
    static final long MIN_NANOS_PER_TRY = 20_000;

    /** The longest mean time between two tries of a taken lock (and before the first and after the last). */
    static final long MEAN_GAP_MILLIS = 50;

    /**
     * A ReentrantLock that counts, for one thread (the call's), its lock calls and the time spent inside them:
     * the rest of the call's time, when the thread was not trying the lock, gives the mean gap between tries.
     * A look with isLocked() counts as a try: a call that waits (sleeping between looks) until the lock looks free,
     * then takes it, tries again as soon as one that calls tryLock each time; and one that spins on isLocked()
     * makes as many calls as one that spins on tryLock().
     */
    static final class TimingLock extends ReentrantLock {
        // Sums, not a list of calls: a call that spins on tryLock() makes millions of calls in a second, and a
        // record of each filled the test JVM's heap (the check then ended as a whole, testing nothing).
        // All three are written only by the caller's thread (note, isLocked); they are read after the call returned.
        private volatile long tries, looks, insideNanos;
        volatile Thread caller;
        volatile long from, to;   // when the call began and returned, on its own thread

        private void note(long start) {
            if (Thread.currentThread() == caller) {
                insideNanos += System.nanoTime() - start;   // one writer: the caller
                tries++;
            }
        }

        /** Lock calls and looks with isLocked(). */
        long tries() {
            return tries + looks;
        }

        /** "12 time(s)", or "12 time(s) (10 of them looks with isLocked())". */
        String describeTries() {
            return tries() + " time(s)" + (looks == 0 ? "" : " (" + looks + " of them looks with isLocked())");
        }

        /** (Time of the call not spent inside a lock call) / (tries + 1), in ms. */
        long meanGapMillis() {
            return Math.max(0, (to - from) - insideNanos) / (tries() + 1) / 1_000_000;
        }

        /** A look, not timed: it does not wait. */
        @Override
        public boolean isLocked() {
            if (Thread.currentThread() == caller) looks++;   // one writer: the caller
            return super.isLocked();
        }

        @Override
        public void lock() {
            long start = System.nanoTime();
            try {
                super.lock();
            } finally {
                note(start);
            }
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            long start = System.nanoTime();
            try {
                super.lockInterruptibly();
            } finally {
                note(start);
            }
        }

        @Override
        public boolean tryLock() {
            long start = System.nanoTime();
            try {
                return super.tryLock();
            } finally {
                note(start);
            }
        }

        @Override
        public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
            long start = System.nanoTime();
            try {
                return super.tryLock(timeout, unit);
            } finally {
                note(start);
            }
        }
    }

    /** Puts a {@link TimingLock} in {@code account}'s lock field (final or not), before anyone takes it. */
    static TimingLock timing(LockedAccount account) {
        TimingLock lock = new TimingLock();
        try {
            Field f = LockedAccount.class.getDeclaredField("lock");
            f.setAccessible(true);
            f.set(account, lock);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new AssertionError("LockedAccount.lock must be a ReentrantLock field named lock, as in the exercise's"
                    + " code, for this test to watch it: " + e);
        }
        return lock;
    }

    /** Holds {@code taken}'s lock from another thread while tryTransfer(from, to, 10, timeout) runs: returns its ms. */
    static long timedGiveUp(LockedAccount from, LockedAccount to, LockedAccount taken, long timeout) throws InterruptedException {
        TimingLock timing = timing(taken);
        CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("holder of a lock").start(() -> {
            taken.lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                // ends the test
            } finally {
                taken.lock.unlock();
            }
        });
        held.await();
        try {
            long start = System.nanoTime();
            Waiting call = Waiting.start("tryTransfer(a, b, 10, " + timeout + " ms) while another thread holds "
                    + (taken == from ? "a" : "b") + "'s lock", () -> {
                        timing.caller = Thread.currentThread();
                        timing.from = System.nanoTime();
                        try {
                            return Bank.tryTransfer(from, to, 10, timeout);
                        } finally {
                            timing.to = System.nanoTime();
                        }
                    });
            Object moved = call.returns(Duration.ofSeconds(3));
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (!Boolean.FALSE.equals(moved)) throw new AssertionError("tryTransfer returned " + moved + " although it could not get "
                    + (taken == from ? "a" : "b") + "'s lock.");
            return elapsed;
        } finally {
            release.countDown();
            holder.join();
        }
    }

    /**
     * b's lock is taken when a 3 s tryTransfer starts, and freed once the call waits (or after 1 s of running):
     * it must then succeed within 1 s of the freeing, long before its timeout ends. Both moments are read on the
     * threads themselves: just after the holder's unlock, just after tryTransfer returns.
     */
    static void triesUntilTheLockIsFree() throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        CountDownLatch held = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicLong freedAt = new AtomicLong(), returnedAt = new AtomicLong();
        Thread holder = Thread.ofPlatform().name("holder of b's lock").start(() -> {
            b.lock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                // ends the test
            } finally {
                b.lock.unlock();
                freedAt.set(System.nanoTime());
            }
        });
        held.await();
        String what = "tryTransfer(a, b, 10, 3000 ms)";
        Waiting call;
        try {
            call = Waiting.start(what + ", b's lock freed while it tries", () -> {
                boolean moved = Bank.tryTransfer(a, b, 10, 3000);
                returnedAt.set(System.nanoTime());
                return moved;
            });
            long until = System.nanoTime() + 1_000_000_000L;   // until it has tried once and waits (or has given up)
            while (!call.done() && call.thread().getState() == Thread.State.RUNNABLE && System.nanoTime() < until) Thread.sleep(1);
            if (call.done()) {
                throw new AssertionError(what + " returned " + call.returns(Duration.ZERO)
                        + " at once while b's lock was taken: it must keep trying for about timeoutMillis.");
            }
        } finally {
            release.countDown();
            holder.join();
        }
        Object moved = call.returns(Duration.ofSeconds(5));
        if (!Boolean.TRUE.equals(moved) || a.balance != 90 || b.balance != 110) {
            throw new AssertionError("b's lock was freed while " + what + " tried, but it returned " + moved
                    + " and the balances are " + a.balance + " and " + b.balance + ", not true, 90 and 110.");
        }
        long late = (returnedAt.get() - freedAt.get()) / 1_000_000;
        if (late > 1000) {
            throw new AssertionError("b's lock was freed while " + what + " tried, and it returned true only " + late
                    + " ms later: it must keep trying while it waits, so that it succeeds soon after the lock is"
                    + " freed (within 1 s here), not at the end of the timeout.");
        }
    }

    /**
     * a's lock is taken for the first 700 ms of a 1000 ms call, b's throughout: a call that gives each lock a whole
     * timeout of its own returns about 1700 ms after it began; one that shares one deadline, about 1000 ms. The
     * 350 ms between the limit and either is room for a busy machine's delays.
     */
    static void sharesTheDeadline() throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        CountDownLatch held = new CountDownLatch(1), started = new CountDownLatch(1);
        AtomicLong callStart = new AtomicLong(), callEnd = new AtomicLong();
        Thread holder = Thread.ofPlatform().name("holder of a's lock").start(() -> {
            a.lock.lock();
            try {
                held.countDown();
                started.await();
                long left = callStart.get() + 700_000_000L - System.nanoTime();
                if (left > 0) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000)); // the stimulus: a held for 700 ms
            } catch (InterruptedException e) {
                // ends the test
            } finally {
                a.lock.unlock();
            }
        });
        held.await();
        b.lock.lock();   // this thread holds b's lock throughout
        Object moved;
        try {
            Waiting call = Waiting.start("tryTransfer(a, b, 10, 1000 ms), a's lock taken for its first 700 ms, b's throughout", () -> {
                callStart.set(System.nanoTime());
                started.countDown();
                try {
                    return Bank.tryTransfer(a, b, 10, 1000);
                } finally {
                    callEnd.set(System.nanoTime());
                }
            });
            moved = call.returns(Duration.ofSeconds(5));
        } finally {
            b.lock.unlock();
            holder.join();
        }
        long own = (callEnd.get() - callStart.get()) / 1_000_000;   // on the call's own thread, as GIVE_UP_WITHIN_MILLIS
        if (!Boolean.FALSE.equals(moved) || a.balance != 100 || b.balance != 100) {
            throw new AssertionError("tryTransfer(a, b, 10, 1000 ms), b's lock taken throughout, returned " + moved
                    + " and the balances are " + a.balance + " and " + b.balance + ", not false, 100 and 100.");
        }
        if (own > 1350) {
            throw new AssertionError("tryTransfer(a, b, 10, 1000 ms) with a's lock taken for its first 700 ms and b's"
                    + " throughout gave up only after " + own + " ms: once it had a's lock, it waited for b's as if the"
                    + " time had just begun. timeoutMillis is for the whole call: compute one deadline at the start, and"
                    + " give each tryLock only what is left of it.");
        }
        if (a.lock.isLocked()) throw new AssertionError("After tryTransfer gave up, a's lock was still held: unlock what you locked.");
    }

    /** A tryTransfer waiting for b's lock is interrupted: whatever it does then, a's lock must be free. */
    static void letsGoWhenInterrupted() throws InterruptedException {
        LockedAccount a = new LockedAccount(100), b = new LockedAccount(100);
        b.lock.lock();   // this thread holds b's lock throughout
        try {
            java.util.concurrent.atomic.AtomicBoolean flagKept = new java.util.concurrent.atomic.AtomicBoolean();
            Waiting call = Waiting.start("tryTransfer(a, b, 10, 10000 ms), interrupted while it waits", () -> {
                try {
                    return Bank.tryTransfer(a, b, 10, 10_000);
                } finally {
                    flagKept.set(Thread.currentThread().isInterrupted());
                }
            });
            call.parks(Duration.ofSeconds(1));
            call.thread().interrupt();
            call.thread().join(3_000);
            if (!call.done()) {
                throw new AssertionError("tryTransfer(a, b, 10, 10000 ms) was interrupted while it waited for b's lock, and"
                        + " had not ended 3 s later: an interrupt asks it to stop trying. Let the InterruptedException of"
                        + " tryLock (or sleep) out of tryTransfer, its locks let go in a finally.");
            }
            Object got;
            try {
                got = call.returns(Duration.ZERO);
            } catch (AssertionError e) {
                got = e.getCause() instanceof InterruptedException ? "threw" : null;
                if (got == null) throw e;
            }
            if (!"threw".equals(got) && !flagKept.get()) {
                throw new AssertionError("tryTransfer was interrupted while it waited for b's lock and returned " + got
                        + ", its interrupt flag cleared: its caller cannot tell that it was interrupted. Let the"
                        + " InterruptedException out (or, if you catch it, set the flag again before you return false).");
            }
            if (a.lock.isLocked()) {
                throw new AssertionError("tryTransfer was interrupted while it waited for b's lock, and left a's lock"
                        + " held: unlock in a finally, so that an InterruptedException lets go of it too.");
            }
            if (a.balance != 100 || b.balance != 100) {
                throw new AssertionError("tryTransfer was interrupted while it waited for b's lock, and the balances of a"
                        + " and b (100 each) are now " + a.balance + " and " + b.balance + ": a transfer that did not"
                        + " happen must change nothing. Take both locks first, then move the money.");
            }
        } finally {
            b.lock.unlock();
        }
    }
}
