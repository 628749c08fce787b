import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hidden tests of the seats exercise: run when grading. */
public class SeatsHiddenTest {
    @Test
    @Property("threads-refund")
    void threadsRefund() {
        ThreadSeats seats = new ThreadSeats(1);
        List<String> steps = new CopyOnWriteArrayList<>();
        IOException declined = new IOException("card declined");
        AtomicInteger paidForNothing = new AtomicInteger();
        Waiting.start("a thread booking five times", () -> {
            SeatsTest.refundSteps(seats::book, seats::free, steps, declined, paidForNothing, () -> null);
            return null;
        }).returns(SeatsTest.LIMIT);
        SeatsTest.expectRefundSteps("On threads", steps, paidForNothing);
    }
}
