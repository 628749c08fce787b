import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
        in.await();
        Waiting waiting = Waiting.start("a call waiting for the only place", () -> t.call(() -> "late"));
        waiting.parks(Duration.ofSeconds(2));
        waiting.thread().interrupt();
        try {
            waiting.returns(Duration.ofSeconds(2));
            throw new AssertionError("A call waiting for a place was interrupted, and it went on instead of throwing InterruptedException.");
        } catch (AssertionError e) {
            if (!String.valueOf(e.getMessage()).contains("InterruptedException")) {
                release.countDown();
                throw e.getMessage() != null && e.getMessage().contains("did not return")
                        ? new AssertionError("A call waiting for a place was interrupted and kept waiting: use acquire(),"
                                + " which throws InterruptedException, not acquireUninterruptibly().")
                        : e;
            }
        } finally {
            release.countDown();
            holder.join();
        }
    }
}
