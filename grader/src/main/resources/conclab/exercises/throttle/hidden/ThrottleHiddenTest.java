import conclab.grader.probe.Hang;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Property;
import conclab.grader.probe.TimeLimits;
import conclab.grader.probe.Waiting;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hidden tests of the throttle exercise: run when grading only. */
class ThrottleHiddenTest {
    @Test
    @Property("interruptible")
    void interruptible() throws InterruptedException {
        Throttle t = new Throttle(1);
        CountDownLatch in = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                t.call(() -> { in.countDown(); release.await(); return null; });
            } catch (Exception e) {
                // ends the test
            }
        });
        Object late;
        try {
            if (!in.await(10, TimeUnit.SECONDS)) throw new AssertionError("A first call through a throttle of 1 did not start its task.");
            Waiting waiting = Waiting.start("a call waiting for the only place", () -> t.call(() -> "late"));
            waiting.parks(Duration.ofSeconds(2));
            waiting.thread().interrupt();
            try {
                late = waiting.returns(Duration.ofSeconds(2));
            } catch (AssertionError e) {
                if (e.getCause() instanceof InterruptedException) return; // the call threw InterruptedException: right
                if (!waiting.done()) {
                    throw new AssertionError("A call waiting for a place was interrupted and kept waiting: use acquire(),"
                            + " which throws InterruptedException, not acquireUninterruptibly().");
                }
                throw e; // it threw something else: the message says what
            }
        } finally {
            release.countDown();
            holder.join();
        }
        // checked outside the try above, so that no catch can swallow it
        throw new AssertionError("A call waiting for a place was interrupted, and it returned " + late
                + " instead of throwing InterruptedException: let acquire()'s InterruptedException reach the caller.");
    }

    /**
     * A call interrupted while it waits must not give back a place it never got: with {@code acquire()}
     * inside the {@code try}, its {@code finally} releases anyway, and the throttle has one place more.
     * Probed without timing: a throttle of 1 whose only place is held must make the next call wait.
     */
    @Test
    @Property("no-extra-place")
    void anInterruptedWaitGivesBackNoPlace() throws InterruptedException {
        Throttle t = new Throttle(1);
        CountDownLatch in = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                t.call(() -> { in.countDown(); release.await(); return null; });
            } catch (Exception e) {
                // ends the test
            }
        });
        try {
            if (!in.await(10, TimeUnit.SECONDS)) throw new AssertionError("A first call through a throttle of 1 did not start its task.");
            Waiting interrupted = Waiting.start("a call waiting for the only place", () -> t.call(() -> "late"));
            if (!interrupted.parks(Duration.ofSeconds(2))) return; // does not wait at all: other properties say so
            interrupted.thread().interrupt();
            // join's answer, not isAlive(): join says ended once the state is TERMINATED, a moment before isAlive() turns false
            if (!interrupted.thread().join(Duration.ofSeconds(2))) return; // ignores the interrupt: "interruptible" says so
            Waiting next = Waiting.start("a call made while the only place is still held", () -> t.call(() -> "got in"));
            try {
                next.parks(Duration.ofSeconds(2));
            } catch (AssertionError e) {
                throw new AssertionError("In a throttle of 1 whose place was held, a call waiting for it was interrupted;"
                        + " then the next call got in at once, so two calls ran together: the interrupted call gave back"
                        + " a place it never got (its finally released it). Acquire before the try, not inside it.");
            }
        } finally {
            release.countDown();
            holder.join();
        }
    }

    /**
     * A call waiting for a place must wait parked (in {@code acquire()}), not poll {@code tryAcquire()} in a
     * loop: a poller is RUNNABLE in almost every sample and burns CPU. Probed by sampling the waiting thread's
     * state and CPU time while the only place is held and the test does 500 ms of CPU work of its own; a call
     * that does not wait at all is left to "limits".
     */
    @Test
    @Property("waits-idle")
    void aWaitingCallUsesNoCpu() throws InterruptedException {
        try (var held = new OnlyPlaceHeld()) {
            Waiting waiting = held.waiting;
            Waiting.Watch seen = Waiting.watchWhileWorking(waiting.thread(), Duration.ofMillis(500));
            if (waiting.done()) return; // it did not wait at all: "limits" says so
            if (seen.spins()) {
                throw new AssertionError("While the only place of a throttle of 1 was held, a call waiting for it kept running: "
                        + seen.describe() + ". Wait in acquire(), which parks the thread, instead of polling tryAcquire().");
            }
        }
    }

    /**
     * A call waiting for a place must wait once, parked in the semaphore until a place is freed, not try
     * again and again with a sleep (or a short timed wait) between tries: such a poller uses little CPU, so
     * "waits-idle" may not see it, but it sees a freed place late. Probed while the only place is held for
     * 1 s: the waiting thread's stack is looked at every millisecond (never in Thread.sleep, and in at most
     * half the looks in a bare LockSupport.parkNanos, parked on no synchronizer that a release wakes), and
     * {@link Waiting#waitedCount} says how many times it began to wait (a thread parked in acquire()
     * begins once, before the second starts). A call that does not wait at all is left to "limits", one
     * that spins to "waits-idle".
     */
    @Test
    @Property("no-poll")
    void aWaitingCallDoesNotPoll() throws InterruptedException {
        try (var held = new OnlyPlaceHeld()) {
            Waiting waiting = held.waiting;
            long before = Waiting.waitedCount(waiting.thread());
            long end = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            int looks = 0, asleep = 0, bare = 0, timed = 0;
            String timedIn = null;
            while (System.nanoTime() < end && !waiting.done()) {
                looks++;
                if (Waiting.sleeps(waiting.thread())) asleep++;
                if (Waiting.parksBare(waiting.thread())) bare++;
                String in = Waiting.timedWaitIn(waiting.thread()); // acquire() waits without a time limit
                if (in != null) {
                    timed++;
                    timedIn = in;
                }
                Thread.sleep(1);
            }
            long after = Waiting.waitedCount(waiting.thread());
            if (waiting.done() || before < 0 || after < 0) return; // it did not wait at all: "limits" says so
            long waits = after - before;
            if (asleep > 0 || waits > 3) {
                throw new AssertionError("While the only place of a throttle of 1 was held for 1 s, a call waiting for it began"
                        + " to wait " + waits + " times, and was in Thread.sleep in " + asleep + " of " + looks + " looks at its"
                        + " stack: it polls, trying again and again, and gets a freed place late. Wait once in acquire(), which"
                        + " parks the thread until a place is freed.");
            }
            if (timed * 2 > looks && waits >= 2) {
                // woken while the place stayed held: by its time limit, not by a release (acquire() begins one wait)
                throw new AssertionError("While the only place of a throttle of 1 was held for 1 s, a call waiting for it was in"
                        + " a wait with a time limit (" + timedIn + ") in " + timed + " of " + looks + " looks, and began to"
                        + " wait " + waits + " times although no place was freed: it wakes by its time limit, tries again, and"
                        + " gets a freed place late. Wait once in acquire(), which parks the thread in the semaphore, and a"
                        + " release() wakes it.");
            }
            if (bare * 2 > looks) {
                throw new AssertionError("While the only place of a throttle of 1 was held for 1 s, a call waiting for it was in"
                        + " a bare LockSupport.parkNanos (parked on no semaphore or lock) in " + bare + " of " + looks + " looks:"
                        + " nothing wakes it when the place is freed, so it can only wake up by itself, try again, and get the"
                        + " place late. Wait once in acquire(), which parks the thread in the semaphore, and a release() wakes it.");
            }
        }
    }

    /** How long a freed place may take to let the waiting call in: generous, for a busy machine. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    /**
     * A poll of any period must be caught, not only a short one (the looks above see a poll that wakes up twice in
     * their second): every time limit in the solution's code is made days long ({@link TimeLimits}), so a call that
     * used to wake by its time limit and try again (parkNanos(1 s) or wait(1000) between tryAcquire()s) now waits
     * for good, while one parked in the semaphore (acquire(), or tryAcquire(1, SECONDS) in a loop) is woken by the
     * release as before. No timing: the place is freed only once the waiting call is parked.
     */
    @Test
    @Property("no-poll")
    void aFreedPlaceWakesTheWaitingCall() throws Exception {
        Caller stretched = Caller.ofCopy(new InstrumentedCopy("solution with days-long time limits",
                ThrottleHiddenTest.class.getClassLoader(), TimeLimits.stretched()));
        try (var held = new OnlyPlaceHeld(stretched)) {
            Waiting waiting = held.waiting;
            try {
                if (!waiting.parks(LIMIT)) return; // it never parks: a spin, which "waits-idle" judges
            } catch (AssertionError e) {
                return; // it did not wait at all: "limits" says so
            }
            held.free();
            try {
                waiting.returns(LIMIT);
            } catch (AssertionError e) {
                if (waiting.done()) throw e; // it threw: the message says what
                String doing = Hang.doing(waiting.thread()).replaceFirst("^is ", "was still ");
                waiting.thread().interrupt(); // a wait of days, ended
                throw new AssertionError("The check made every time limit in your code days long (parkNanos(1 s) became a"
                        + " park of days, wait(1000) a wait of days), so that only what a wait waits for can end it. Then the"
                        + " only place of a throttle of 1 was freed while a call waited for it, and the call did not get in"
                        + " within " + LIMIT.toSeconds() + " s: it " + doing + ". A freed place does not wake that wait:"
                        + " only its time limit can, and that is now days away. It polls, trying again each time its time"
                        + " limit runs out, and gets a freed place late. Wait in acquire(), which parks the thread in the"
                        + " semaphore, and a release() wakes it.");
            }
        }
    }

    /** How a test calls a throttle of 1: the solution's class, or its copy through reflection. */
    @FunctionalInterface
    interface Caller {
        Object call(Callable<?> task) throws Exception;

        /** A new throttle of 1 of the solution's. */
        static Caller ofSolution() {
            Throttle t = new Throttle(1);
            return task -> t.call(task);
        }

        /** A new throttle of 1 of {@code copy}'s, the copy of the solution's Throttle class. */
        static Caller ofCopy(InstrumentedCopy copy) throws Exception {
            Constructor<?> make = copy.copyOf("Throttle").getDeclaredConstructor(int.class);
            make.setAccessible(true);
            Object t = make.newInstance(1);
            Method call = copy.method("Throttle", "call", Callable.class);
            return task -> InstrumentedCopy.invoke(call, t, task);
        }
    }

    /**
     * A throttle of 1 whose only place a first call holds, and a second call started meanwhile, waiting for that
     * place (given 200 ms to reach its wait). Closing releases the first call and waits for both to end.
     */
    private static final class OnlyPlaceHeld implements AutoCloseable {
        private final CountDownLatch in = new CountDownLatch(1), release = new CountDownLatch(1);
        private final Thread holder;
        final Waiting waiting;

        OnlyPlaceHeld() throws InterruptedException {
            this(Caller.ofSolution());
        }

        OnlyPlaceHeld(Caller t) throws InterruptedException {
            holder = Thread.ofPlatform().start(() -> {
                try {
                    t.call(() -> { in.countDown(); release.await(); return null; });
                } catch (Exception e) {
                    // ends the test
                }
            });
            if (!in.await(10, TimeUnit.SECONDS)) {
                release.countDown();
                throw new AssertionError("A first call through a throttle of 1 did not start its task.");
            }
            waiting = Waiting.start("a call waiting for the only place", () -> t.call(() -> "late"));
            waiting.watch(Duration.ofMillis(200)); // lets the thread start and reach its wait
        }

        /** Lets the first call end, and so frees the place. */
        void free() {
            release.countDown();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            holder.join();
            waiting.thread().join(Duration.ofSeconds(10));
        }
    }
}
