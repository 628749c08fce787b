import conclab.grader.probe.Evidence;
import conclab.grader.probe.Hang;
import conclab.grader.probe.InstrumentedCopy;
import conclab.grader.probe.Property;
import conclab.grader.probe.Stress;
import conclab.grader.probe.TimeLimits;
import conclab.grader.probe.Waiting;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
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

    /**
     * The put() must wake the waiting take(): the buffer is a {@link Stretched} copy, whose time limits are days long,
     * so a take() that would find the item only when its await(10, MILLISECONDS) ran out (put() never signals) waits
     * for good. No timing: the item is put once take() is parked, and it has 5 s to return.
     */
    @Test
    @Property("waits-when-empty")
    void waitsWhenEmpty() throws Exception {
        BoundedBuffer<String> b = new BoundedBuffer<>(2);
        smoke(b, "s");
        Stretched s = Stretched.of(2);
        Waiting take = Waiting.start("take() on an empty buffer", s::take);
        take.parks(Duration.ofMillis(300)); // fails if take() returns or throws at once
        if (take.done()) throw new AssertionError("take() on an empty buffer returned " + take.returns(Duration.ZERO));
        s.put("hello");
        Object got;
        try {
            got = take.returns(Duration.ofSeconds(5));
        } catch (AssertionError e) {
            if (take.done()) throw e; // it threw: the message says what
            String doing = Hang.doing(take.thread()).replaceFirst("^is ", "was still ");
            take.thread().interrupt(); // a wait of days, ended
            throw new AssertionError("take() waited on an empty buffer, then put(\"hello\") added an item, and 5 s later"
                    + " take() had not returned: it " + doing + ". put() did not wake it: signal a waiting taker"
                    + " (notEmpty.signal()) each time put() adds an item. " + Stretched.WHY);
        }
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
        boolean onCondition = awaitsInYourCode(take.thread());
        b.put("x");
        take.returns(Duration.ofSeconds(2));
        if (!parked) throw new AssertionError("take() on an empty buffer never went to sleep: it kept running (a busy wait).");
        if (!onCondition) {
            throw new AssertionError("take() on an empty buffer waits in " + in + ": the exercise asks for a Condition"
                    + " of the buffer's own lock (notEmpty.await(), called by take() itself), which put() can wake at once.");
        }
    }

    /**
     * Whether {@code t} waits in {@code Condition.await} called by your code itself: the frame that calls the
     * outermost {@code ConditionObject.await} on its stack is one of your solution's. A buffer that hands its items to
     * a JDK queue ({@code ArrayBlockingQueue}) waits in a Condition too, but one the queue awaits and signals: the
     * waiting and signalling this exercise is about are then not yours.
     */
    static boolean awaitsInYourCode(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        for (int i = stack.length - 2; i >= 0; i--) { // from the outermost frame in: the first await found is the outermost
            if (stack[i].getClassName().endsWith("$ConditionObject") && stack[i].getMethodName().startsWith("await")) {
                return Evidence.isLearners(stack[i + 1]);
            }
        }
        return false;
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

    /**
     * A buffer of the solution's BoundedBuffer class, from a copy of it in which every time limit the code gives a
     * wait is days long ({@link TimeLimits}: await(10, MILLISECONDS) waits 10 days, awaitNanos(n) years). A waiting
     * put() or take() then returns only when a signal (or an interrupt) wakes it, never because its time ran out: a
     * missed signal that such a time limit would hide, by waking the waiter a few milliseconds late, shows. A correct
     * buffer, whose every put() and take() signals, is woken by the signal as before, time limit or not.
     */
    static final class Stretched {
        /** Said when a waiter of a Stretched buffer was not woken: why the check gives no time limit a chance. */
        static final String WHY = "(The check made every time limit in your code days long, so that only a signal can"
                + " wake a waiting call: a wait with a time limit, such as await(10, MILLISECONDS) in the loop, hides a"
                + " missed signal by waking up late, it does not mend it.)";

        /** The copy's buffer: an object of the copy's BoundedBuffer class, not of the test's. */
        final Object buffer;
        private final Method put, take;

        private Stretched(Object buffer, Method put, Method take) {
            this.buffer = buffer;
            this.put = put;
            this.take = take;
        }

        /** A new buffer of {@code capacity}, in a new copy of the solution's classes. */
        static Stretched of(int capacity) throws Exception {
            InstrumentedCopy copy = new InstrumentedCopy("solution with days-long time limits",
                    BoundedBufferTest.class.getClassLoader(), TimeLimits.stretched());
            Constructor<?> make = copy.copyOf("BoundedBuffer").getDeclaredConstructor(int.class);
            make.setAccessible(true);
            Stretched s = new Stretched(make.newInstance(capacity), copy.method("BoundedBuffer", "put", Object.class),
                    copy.method("BoundedBuffer", "take"));
            s.put("s"); // as smoke(): what these calls throw shows here, before any thread waits
            s.take();
            return s;
        }

        void put(Object item) throws Exception {
            InstrumentedCopy.invoke(put, buffer, item);
        }

        Object take() throws Exception {
            return InstrumentedCopy.invoke(take, buffer);
        }
    }
}
