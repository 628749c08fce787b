import conclab.coro.Generator;
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

    @Test
    @Property("constant-memory")
    void constantMemory() {
        Generator<Double, Double, Averager.Summary> avg = Averager.start(new Meter() {
            public void open() {}
            public void record(double average) {}
            public void close() {}
        });
        for (int i = 0; i < 10_000; i++) avg.send(1.0); // warm-up
        // A count, not a time window: every run sends the same SENT values, so a version that keeps each value (8 bytes
        // a double, more boxed) grows the heap by 4 MB or more, four times the limit, however loaded the machine is.
        long before = heapAfterGc(), sent = 0, start = System.nanoTime();
        while (sent < SENT) {
            for (int i = 0; i < 1000; i++) avg.send((double) (i % 7));
            sent += 1000;
            if (sent == 50_000 && System.nanoTime() - start > 2_000_000_000L) {
                throw new AssertionError("The first 50,000 values took more than 2 s to send: each send is very slow.");
            }
        }
        long grown = heapAfterGc() - before;
        if (avg.state() != Generator.State.SUSPENDED) {
            throw new AssertionError("After " + sent + " values the averager is " + avg.state() + ", not SUSPENDED.");
        }
        if (grown >= GROWTH_LIMIT) {
            throw new AssertionError(String.format("After %,d more values the heap (after a garbage collection) had grown"
                    + " by %,d bytes, %.1f per value (the limit is %,d bytes in all): the averager keeps every value. A"
                    + " running average needs only a count and a total.", sent, grown, (double) grown / sent,
                    GROWTH_LIMIT));
        }
        resetsInConstantSpace(avg);
        avg.close();
    }

    /** How many resets resetsInConstantSpace throws in: each one a frame more, for a body that starts over by recursion. */
    static final int RESETS = 60_000;

    /**
     * Resets cost nothing that stays: 60,000 times two values then a reset, and the averager is still SUSPENDED, its heap
     * grown by less than GROWTH_LIMIT. A body that starts over by calling itself from its catch keeps a frame per reset:
     * its stack, which a coroutine keeps while it is suspended, grows with every reset until it overflows. Part of
     * constant-memory.
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
