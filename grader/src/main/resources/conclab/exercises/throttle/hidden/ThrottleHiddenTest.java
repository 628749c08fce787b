import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
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
            interrupted.thread().join(Duration.ofSeconds(2));
            if (interrupted.thread().isAlive()) return; // ignores the interrupt: "interruptible" says so
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
     * state and CPU time while the only place is held; a call that does not wait at all is left to "limits".
     */
    @Test
    @Property("waits-idle")
    void aWaitingCallUsesNoCpu() throws InterruptedException {
        Throttle t = new Throttle(1);
        CountDownLatch in = new CountDownLatch(1), release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                t.call(() -> { in.countDown(); release.await(); return null; });
            } catch (Exception e) {
                // ends the test
            }
        });
        Waiting waiting = null;
        try {
            if (!in.await(10, TimeUnit.SECONDS)) throw new AssertionError("A first call through a throttle of 1 did not start its task.");
            waiting = Waiting.start("a call waiting for the only place", () -> t.call(() -> "late"));
            waiting.watch(Duration.ofMillis(200)); // lets the thread start and reach its wait
            Waiting.Watch seen = waiting.watch(Duration.ofMillis(500));
            if (waiting.done()) return; // it did not wait at all: "limits" says so
            if (seen.spins()) {
                throw new AssertionError("While the only place of a throttle of 1 was held, a call waiting for it kept running: "
                        + seen.describe() + ". Wait in acquire(), which parks the thread, instead of polling tryAcquire().");
            }
        } finally {
            release.countDown();
            holder.join();
            if (waiting != null) waiting.thread().join(Duration.ofSeconds(10));
        }
    }
}
