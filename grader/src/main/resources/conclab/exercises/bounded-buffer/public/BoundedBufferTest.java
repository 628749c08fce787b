import conclab.grader.probe.Liveness;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.Waiting;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** Public tests of the bounded-buffer exercise: the learner may read them. */
class BoundedBufferTest {
    @Test
    @Property("fifo")
    void fifo() throws InterruptedException {
        BoundedBuffer<Integer> b = new BoundedBuffer<>(3);
        for (int round = 0; round < 3; round++) { // three rounds: the indexes wrap around
            b.put(1);
            b.put(2);
            b.put(3);
            for (int want = 1; want <= 3; want++) {
                Integer got = b.take();
                if (got == null || got != want) {
                    throw new AssertionError("Put 1, 2, 3 into a buffer of capacity 3, then take() gave " + got
                            + " where " + want + " was due (round " + (round + 1) + ").");
                }
            }
        }
    }

    @Test
    @Property("waits-when-empty")
    void waitsWhenEmpty() throws InterruptedException {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        smoke(b, "s");
        Waiting take = Waiting.start("take() on an empty buffer", b::take);
        take.parks(Duration.ofMillis(300)); // fails if take() returns or throws at once
        if (take.done()) throw new AssertionError("take() on an empty buffer returned " + take.returns(Duration.ZERO));
        b.put("hello");
        Object got = take.returns(Duration.ofSeconds(2));
        if (!"hello".equals(got)) throw new AssertionError("The waiting take() returned " + got + " instead of the item put, \"hello\".");
    }

    /**
     * A waiting take() is watched for 500 ms: a busy wait stays runnable and burns CPU meanwhile (as much as
     * the machine gives it), await() neither.
     */
    @Test
    @Property("no-busy-wait")
    void noBusyWait() throws InterruptedException {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        smoke(b, "s");
        Waiting take = Waiting.start("take() on an empty buffer", b::take);
        take.parks(Duration.ofMillis(200));
        Waiting.Watch watch = take.watch(Duration.ofMillis(500));
        b.put("x");
        take.returns(Duration.ofSeconds(2));
        if (watch.spins()) {
            throw new AssertionError("While take() waited for an item, " + watch.describe() + ": it keeps checking"
                    + " (a busy wait) instead of sleeping until put() signals. Wait with notEmpty.await().");
        }
    }

    @Test
    @Property("waits-on-condition")
    void waitsOnCondition() throws InterruptedException {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        smoke(b, "s");
        Waiting take = Waiting.start("take() on an empty buffer", b::take);
        boolean parked = take.parks(Duration.ofSeconds(1));
        String in = take.waitsIn();
        boolean onCondition = take.waitsOnCondition();
        b.put("x");
        take.returns(Duration.ofSeconds(2));
        if (!parked) throw new AssertionError("take() on an empty buffer never went to sleep: it kept running (a busy wait).");
        if (!onCondition) {
            throw new AssertionError("take() on an empty buffer waits in " + in + ": the exercise asks for a Condition"
                    + " of the lock (notEmpty.await()), which put() can wake at once.");
        }
    }

    /** 3 producers put 20,000 numbers each into a buffer of 4; 3 consumers take 20,000 each. */
    @Test
    @Property("producers-consumers")
    void producersConsumers() throws InterruptedException {
        BoundedBuffer<Integer> b = new BoundedBuffer<>(4);
        smoke(b, 0);
        int producers = 3, each = 20_000, total = producers * each;
        AtomicLongArray seen = new AtomicLongArray(total);
        Stress.together("3 producers and 3 consumers", 6, Duration.ofSeconds(5), t -> {
            if (t < producers) {
                for (int i = 0; i < each; i++) b.put(t * each + i);
            } else {
                for (int i = 0; i < each; i++) {
                    Integer item = b.take();
                    if (item == null || item < 0 || item >= total) throw new AssertionError("take() returned " + item + ", which was never put.");
                    seen.incrementAndGet(item);
                }
            }
        });
        for (int i = 0; i < total; i++) {
            if (seen.get(i) != 1) throw new AssertionError("Item " + i + " was taken " + seen.get(i) + " times, not once.");
        }
    }

    /** The unwritten stub fails here, as "not done", before any thread is started. */
    static <T> void smoke(BoundedBuffer<T> b, T item) throws InterruptedException {
        b.put(item);
        b.take();
    }
}
