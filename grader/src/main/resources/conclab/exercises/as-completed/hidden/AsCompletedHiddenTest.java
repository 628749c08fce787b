import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
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
}
