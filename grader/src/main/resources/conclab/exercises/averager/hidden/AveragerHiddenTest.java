import conclab.coro.Generator;
import conclab.coro.StopIteration;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import conclab.grader.probe.Waiting;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Hidden tests of the averager exercise: run when grading. */
public class AveragerHiddenTest {
    @Test
    @Property("other-errors")
    void otherErrors() {
        // One of each kind, each into a fresh averager: a body that closes the meter in a catch of some kinds (of
        // RuntimeException, of Exception) rather than in a finally leaks it when another kind ends the body.
        endsWith(new IllegalArgumentException("not a number"), "new IllegalArgumentException(\"not a number\")",
                "an unchecked exception");
        endsWith(new Exception("download error"), "new Exception(\"download error\")", "a checked exception");
        endsWith(new Error("thrown in by the check"), "new Error(\"thrown in by the check\")",
                "an Error other than GeneratorExit");
    }

    /**
     * Throws {@code thrown} into a fresh averager after one value: it must come back out of throwIn as it is, and
     * leave the averager CLOSED with its meter closed once. Part of other-errors.
     */
    static void endsWith(Throwable thrown, String call, String kind) {
        AveragerTest.RecordingMeter meter = new AveragerTest.RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        avg.send(10.0);
        Throwable out = null;
        Double got = null;
        try {
            got = avg.throwIn(thrown);
        } catch (Throwable e) {                      // the checked exception and the Error too
            out = e;
        }
        if (out == null) {
            throw new AssertionError("throwIn(" + call + ") returned " + got + ": the averager caught it. Only a Reset"
                    + " starts it over; any other exception thrown in (here " + kind + ") should end it and come back"
                    + " out of throwIn unchanged.");
        }
        if (out != thrown) {
            if (out instanceof RuntimeException r && Evidence.notDone(r)) throw r;
            boolean wrapped = Evidence.chain(out).contains(thrown);
            throw new AssertionError("throwIn(" + call + ") (" + kind + "): " + Evidence.describe(out)
                    + (wrapped ? ", which wraps the exception thrown in" : "") + "; the exception thrown in should"
                    + " come back out of throwIn as it is. The body may throw any exception: let it through (a catch"
                    + " that closes the meter can rethrow it as it is: throw e), and close the meter in a finally.",
                    out);
        }
        if (avg.state() != Generator.State.CLOSED || meter.closed != 1) {
            throw new AssertionError("throwIn(" + call + ") (" + kind + ") ended the averager: it should be CLOSED"
                    + " with its meter closed once; it is " + avg.state() + " and the meter was " + meter + "."
                    + " Close the meter in a finally, which runs however the body ends: a catch of RuntimeException"
                    + " misses checked exceptions, and a catch of Exception misses Errors.");
        }
    }

    @Test
    @Property("caller-thread")
    void callerThread() {
        AveragerTest.RecordingMeter meter = new AveragerTest.RecordingMeter();
        AtomicReference<Generator<Double, Double, Averager.Summary>> made = new AtomicReference<>();
        Waiting.start("first caller", () -> {
            made.set(Averager.start(meter));
            return null;
        }).returns(Duration.ofSeconds(5));
        Waiting.start("second caller", () -> made.get().send(1.0)).returns(Duration.ofSeconds(5));
        Waiting.start("third caller", () -> {
            made.get().send(3.0);
            made.get().close();
            return null;
        }).returns(Duration.ofSeconds(5));
        List<String> want = List.of("open on first caller", "record on second caller", "record on third caller",
                "close on third caller");
        if (!meter.threads.equals(want)) {
            throw new AssertionError("Started on thread \"first caller\", sent a value from \"second caller\", then one"
                    + " from \"third caller\", which closed it: the meter saw " + meter.threads + ", expected " + want
                    + ". A generator made with Generator.of runs its body on the thread that resumes it, one caller at"
                    + " a time; Generator.onThread runs it on a thread of its own, which costs a thread and two"
                    + " hand-offs per send.");
        }
    }

    /** How many values constantMemory sends, and by how many bytes the heap may grow meanwhile: 2 per value. */
    static final int SENT = 500_000, GROWTH_LIMIT = 1_000_000;

    /** How many values constantMemory sends before it measures the heap: the JIT compiles the body meanwhile. */
    static final int WARM_UP = 10_000;

    /** Every how many values constantMemory checks the average that send returned (and the last one). */
    static final int CHECK_EVERY = 10_000;

    @Test
    @Property("constant-memory")
    void constantMemory() {
        long atStart = heapAfterGc(); // room taken when the body starts (an array for every value to come) counts too
        Generator<Double, Double, Averager.Summary> avg = Averager.start(quietMeter());
        // The values 0, 1, 2, ... each sent once: none repeats, so a version that keeps a count per distinct value (a
        // histogram) keeps one per value sent; and the average of all of them, (n - 1) / 2, is far from that of the
        // last few, n - 1 - (w - 1) / 2 for a window of w, which a version that keeps a moving window returns.
        int n = 0;
        while (n < WARM_UP) sendAndCheck(avg, n++);
        // A count, not a time window: every run sends the same SENT values, so a version that keeps each value (8 bytes
        // a double, more boxed, about 50 in a HashMap) grows the heap by 4 MB or more, four times the limit, however
        // loaded the machine is.
        long before = heapAfterGc(), start = System.nanoTime();
        while (n < WARM_UP + SENT) {
            sendAndCheck(avg, n++);
            if (n == WARM_UP + 50_000 && System.nanoTime() - start > 2_000_000_000L) {
                throw new AssertionError("The first 50,000 values took more than 2 s to send: each send is very slow.");
            }
        }
        long after = heapAfterGc(), grown = after - before, sinceStart = after - atStart;
        if (avg.state() != Generator.State.SUSPENDED) {
            throw new AssertionError("After " + n + " values the averager is " + avg.state() + ", not SUSPENDED.");
        }
        if (grown >= GROWTH_LIMIT) {
            throw new AssertionError(String.format("After %,d more values, all different, the heap (after a garbage"
                    + " collection) had grown by %,d bytes, %.1f per value (the limit is %,d bytes in all): the averager"
                    + " keeps something for every value (the values, or a count for each different value). A running"
                    + " average needs only a count and a total.", SENT, grown, (double) grown / SENT, GROWTH_LIMIT));
        }
        if (sinceStart >= GROWTH_LIMIT) {
            throw new AssertionError(String.format("After %,d values, all different, the heap (after a garbage collection)"
                    + " was %,d bytes larger than before the averager started (the limit is %,d bytes): the averager"
                    + " keeps room for the values (an array made when it starts, say), which a million values more would"
                    + " outgrow. A running average needs only a count and a total.", n, sinceStart, GROWTH_LIMIT));
        }
        expectSummaryOf(avg, n);
        Generator<Double, Double, Averager.Summary> resets = Averager.start(quietMeter());
        resetsInConstantSpace(resets);
        resets.close();
    }

    /** A meter that keeps nothing: a RecordingMeter would keep every average, and grow the heap that is measured. */
    static Meter quietMeter() {
        return new Meter() {
            public void open() {}
            public void record(double average) {}
            public void close() {}
        };
    }

    /**
     * Sends {@code x} to an averager that has been sent 0, 1, ..., x - 1 since it started, and checks the average it
     * returns, (0 + 1 + ... + x) / (x + 1) = x / 2, every CHECK_EVERY values and at the last: checking each one would
     * cost more than the send. Part of constant-memory.
     */
    static void sendAndCheck(Generator<Double, Double, Averager.Summary> avg, int x) {
        Double got = avg.send((double) x);
        if (x % CHECK_EVERY != CHECK_EVERY - 1 && x != WARM_UP + SENT - 1) return;
        double want = x / 2.0;
        // relative: a body that keeps the mean itself (mean += (x - mean) / count) rounds at each step
        if (got == null || !(Math.abs(got - want) <= 1e-9 * want)) {
            throw new AssertionError(String.format("After the %,d values 0, 1, 2, ..., %d (each sent once, no reset),"
                    + " send returned %s, expected their average %s. The running average is the average of all the"
                    + " values since the start or the last reset (a count and a total), not of the last few.",
                    x + 1, x, got, want));
        }
    }

    /**
     * Ends an averager that has been sent 0, 1, ..., n - 1 with send(null): its Summary must count n values of average
     * (n - 1) / 2, near enough for a body that keeps the mean itself. Part of constant-memory.
     */
    static void expectSummaryOf(Generator<Double, Double, Averager.Summary> avg, int n) {
        String after = String.format("after the %,d values 0, 1, 2, ..., %d (each sent once, no reset)", n, n - 1);
        Averager.Summary want = new Averager.Summary(n, (n - 1) / 2.0);
        Object got;
        try {
            got = "a return of " + avg.send(null);
        } catch (StopIteration e) {
            if (e.value() instanceof Averager.Summary s && s.count() == n
                    && Math.abs(s.average() - want.average()) <= 1e-9 * want.average()) {
                return;
            }
            got = "the Summary " + e.value();
        } catch (RuntimeException e) {
            if (Evidence.notDone(e)) throw e;
            throw new AssertionError("send(null) " + after + ": " + Evidence.describe(e), e);
        }
        throw new AssertionError("send(null) " + after + " ended the averager with " + got + ", expected " + want
                + ": the count and the average of all the values since the start or the last reset, not of the last"
                + " few.");
    }

    /** How many resets resetsInConstantSpace throws in: each one a frame more, for a body that starts over by recursion. */
    static final int RESETS = 60_000;

    /**
     * Resets cost nothing that stays: into a fresh averager, 60,000 times two values then a reset, and the averager is
     * still SUSPENDED, its heap grown by less than GROWTH_LIMIT. A body that starts over by calling itself from its
     * catch keeps a frame per reset: its stack, which a coroutine keeps while it is suspended, grows with every reset
     * until it overflows. Part of constant-memory.
     */
    static void resetsInConstantSpace(Generator<Double, Double, Averager.Summary> avg) {
        long before = heapAfterGc();
        for (int i = 0; i < RESETS; i++) {
            avg.send(1.0);
            avg.send(3.0);
            try {
                avg.throwIn(new Averager.Reset());
            } catch (StackOverflowError e) {
                throw new AssertionError("After " + i + " resets (each after two values), throwIn(new Reset()) overflowed"
                        + " the stack: each reset makes the body deeper (it starts over by calling itself?). Catch the"
                        + " Reset at the yield, set the count and the total back to zero, and go on in the same loop.");
            }
        }
        long grown = heapAfterGc() - before;
        if (avg.state() != Generator.State.SUSPENDED) {
            throw new AssertionError("After " + RESETS + " resets the averager is " + avg.state() + ", not SUSPENDED.");
        }
        if (grown >= GROWTH_LIMIT) {
            throw new AssertionError(String.format("After %,d resets (each after two values) the heap (after a garbage"
                    + " collection) had grown by %,d bytes (the limit is %,d): each reset leaves something behind (a"
                    + " deeper stack, if the body starts over by calling itself). Catch the Reset at the yield, set the"
                    + " count and the total back to zero, and go on in the same loop.", RESETS, grown, GROWTH_LIMIT));
        }
    }

    static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
