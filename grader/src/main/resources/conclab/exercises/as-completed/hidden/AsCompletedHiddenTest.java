import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hidden tests of the as-completed exercise: run when grading only. */
class AsCompletedHiddenTest {
    static final Duration LIMIT = Duration.ofSeconds(5);

    @Test
    @Property("cancels-rest")
    void cancelsRest() throws Exception {
        var error = new IllegalStateException("page 1: 500 Internal Server Error");
        CountDownLatch bothRun = new CountDownLatch(2), fail = new CountDownLatch(1), never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(
                () -> { bothRun.countDown(); fail.await(); throw error; },
                () -> {
                    bothRun.countDown();
                    try {
                        never.await(); // a download that takes forever
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "page 2";
                });
        Waiting call = Waiting.start("forEach(2 tasks, one fails, one never ends)", () -> {
            AsCompleted.forEach(tasks, 2, r -> {});
            return null;
        });
        try {
            if (!bothRun.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("With 2 threads, the 2 tasks did not both start within " + LIMIT.toSeconds() + " s.");
            }
            fail.countDown();
            try {
                call.returns(LIMIT);
                throw new AssertionError("A task threw " + error + ", and forEach returned normally: its exception was lost.");
            } catch (AssertionError e) {
                if (e.getCause() == null && e.getMessage().contains("did not return")) {
                    throw new AssertionError("A task threw, the other one was still running, and forEach did not return within "
                            + LIMIT.toSeconds() + " s: cancel the tasks not done (Future.cancel(true)) before closing the pool,"
                            + " whose close() waits for them. " + e.getMessage());
                }
                if (!(e.getCause() instanceof ExecutionException)) throw e;
            }
            if (!interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("forEach threw, and the other task was still running " + LIMIT.toSeconds()
                        + " s later: cancel the tasks not done yet, with Future.cancel(true), which interrupts them.");
            }
        } finally {
            fail.countDown();
            never.countDown();
        }
    }
    @Test
    @Property("consumer-fails")
    void consumerFails() throws Exception {
        var error = new IllegalStateException("cannot save page 1: disk full");
        CountDownLatch bothRun = new CountDownLatch(2), never = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        List<Callable<String>> tasks = List.of(
                () -> { workers.add(Thread.currentThread()); bothRun.countDown(); bothRun.await(); return "page 1"; },
                () -> {
                    workers.add(Thread.currentThread());
                    bothRun.countDown();
                    try {
                        never.await(); // a download that takes forever
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "page 2";
                });
        Waiting call = Waiting.start("forEach(2 tasks, the consumer throws, one task never ends)", () -> {
            AsCompleted.forEach(tasks, 2, r -> { throw error; });
            return null;
        });
        try {
            String wrong = null;
            try {
                call.returns(LIMIT);
                wrong = "The consumer threw " + error + " on the first result, and forEach returned normally: the exception was lost.";
            } catch (AssertionError e) {
                if (e.getCause() == null) {
                    wrong = "The consumer threw on the first result while the other task was still running, and forEach did not"
                            + " return within " + LIMIT.toSeconds() + " s: cancel the tasks not done (Future.cancel(true)) whatever"
                            + " the exception, the consumer's too (a finally block), before closing the pool, whose close() waits"
                            + " for them. " + e.getMessage();
                } else if (e.getCause() != error) {
                    wrong = "The consumer threw " + error + ", and forEach threw " + e.getCause() + " instead of that exception.";
                }
            }
            if (wrong != null) throw new AssertionError(wrong);
            if (!interrupted.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("The consumer threw, forEach threw, and the other task was still running "
                        + LIMIT.toSeconds() + " s later: cancel the tasks not done yet, with Future.cancel(true), which interrupts them.");
            }
            for (Thread t : workers) {
                if (!t.join(LIMIT)) {
                    throw new AssertionError("The consumer threw, and thread " + t.getName() + ", which ran a task, was still alive "
                            + LIMIT.toSeconds() + " s after forEach threw: close the pool whatever happens (try-with-resources).");
                }
            }
        } finally {
            never.countDown();
        }
    }

    @Test
    @Property("no-spin")
    void noSpin() throws Exception {
        CountDownLatch started = new CountDownLatch(1), open = new CountDownLatch(1);
        List<Callable<Integer>> tasks = List.of(
                () -> { started.countDown(); open.await(); return 1; },
                () -> { started.countDown(); open.await(); return 2; });
        Waiting call = Waiting.start("forEach(2 tasks held at a latch)", () -> { AsCompleted.forEach(tasks, 2, r -> {}); return null; });
        try {
            if (!started.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                if (call.done()) call.returns(LIMIT);
                throw new AssertionError("No task started within " + LIMIT.toSeconds() + " s.");
            }
            call.parks(Duration.ofSeconds(1)); // settles; a loop never parks, and is watched all the same
            Waiting.Watch watch = call.watch(Duration.ofMillis(600));
            if (call.done()) throw new AssertionError("forEach returned while its 2 tasks were still held at a latch.");
            if (watch.spins()) {
                throw new AssertionError("While forEach waited for 2 tasks held at a latch, its thread " + watch.describe().replaceFirst("^it ", "")
                        + ": it should park until a task is done (CompletionService.take, Future.get), not loop over isDone().");
            }
        } finally {
            open.countDown();
        }
        call.returns(LIMIT);
    }
}
