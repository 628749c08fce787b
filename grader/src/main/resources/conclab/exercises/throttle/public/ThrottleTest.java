import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Public tests of the throttle exercise: the learner may read them. */
class ThrottleTest {
    @Test
    @Property("returns-result")
    void returnsResult() throws Exception {
        Throttle t = new Throttle(2);
        java.util.concurrent.atomic.AtomicReference<Thread> ranOn = new java.util.concurrent.atomic.AtomicReference<>();
        Object got = t.call(() -> {
            ranOn.set(Thread.currentThread());
            return "page";
        });
        if (!"page".equals(got)) throw new AssertionError("call(() -> \"page\") returned " + got + ".");
        if (ranOn.get() != Thread.currentThread()) {
            throw new AssertionError("call() ran its task on " + ranOn.get() + ", not on the thread that called it ("
                    + Thread.currentThread() + "). A throttle decides when a call may run, not where: run task.call() on"
                    + " the caller's thread, so that the task has the caller's thread-locals and locks, an interrupt of"
                    + " the caller reaches it, and no thread of yours is left running after the calls.");
        }
        // an unchecked exception, a checked one and an Error: each comes out of call() as the task threw it, the same object
        for (Throwable thrown : List.of(new IllegalStateException("server error"), new IOException("connection reset"),
                new Error("out of memory, say"))) {
            Throwable got2 = null;
            try { // a throttle of its own: a place lost to an exception is releases-on-exception's to report
                new Throttle(2).call(() -> {
                    if (thrown instanceof Exception e) throw e;
                    throw (Error) thrown;
                });
            } catch (Throwable e) {
                got2 = e;
            }
            if (got2 != thrown) {
                throw new AssertionError("call() of a task that throws " + thrown + " " + (got2 == null ? "returned normally"
                        : "threw " + got2 + (got2.getCause() == thrown ? ", which wraps it" : "")) + ": let the task's"
                        + " exception go to the caller as it is (the same object), checked or not.");
            }
        }
    }

    @Test
    @Property("limits")
    void limits() throws Exception {
        Throttle t = new Throttle(3);
        runEight(t, "8 calls through a throttle of 3");
        // calls that returned gave their places back, once each: a place given back twice is a fourth place
        Throttle after = new Throttle(3);
        for (int i = 0; i < 3; i++) after.call(() -> null);
        runEight(after, "8 calls through a throttle of 3, after 3 calls that returned normally");
    }

    /**
     * 8 threads call through {@code t} a task that waits for a release; checks that exactly 3 get in (not
     * more, not fewer), then releases them all and requires every call to finish.
     */
    static void runEight(Throttle t, String what) {
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Liveness.Task[] callers = new Liveness.Task[8];
        for (int i = 0; i < 8; i++) {
            callers[i] = Liveness.task("caller " + (i + 1), () -> t.call(() -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                release.await();
                inside.decrementAndGet();
                return null;
            }));
        }
        Thread checker = Thread.ofPlatform().daemon().start(() -> {
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (inside.get() < 3 && System.nanoTime() < deadline) Thread.onSpinWait();
            try {
                Thread.sleep(300); // room for a 4th to get in, if the throttle lets it
            } catch (InterruptedException e) {
                return;
            }
            release.countDown();
        });
        Liveness.finish(what, Duration.ofSeconds(5), callers);
        try {
            checker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (most.get() > 3) throw new AssertionError(what + ": " + most.get() + " tasks ran at the same time, not at most 3.");
        if (most.get() < 3) {
            throw new AssertionError(what + ": at most " + most.get() + " task(s) ran at the same time, with 8 callers"
                    + " waiting: it should let 3 run.");
        }
    }

    @Test
    @Property("releases-on-exception")
    void releasesOnException() {
        Throttle t = new Throttle(3);
        // as many as there are places, one of each kind: an unchecked exception, a checked one, and an Error
        // (which a catch (Exception) does not see); a place lost to any of them leaves only 2 for the 8 calls
        List<Callable<Object>> throwing = List.of(
                () -> { throw new IllegalStateException("server error"); },
                () -> { throw new IOException("connection reset"); },
                () -> { throw new Error("out of memory, say"); });
        for (Callable<Object> task : throwing) {
            try {
                t.call(task);
            } catch (Throwable expected) {
                // as the task threw it
            }
        }
        runEight(t, "8 calls through a throttle of 3 after 3 tasks threw (an IllegalStateException, an IOException"
                + " and an Error)");
    }
}
