import conclab.coro.Generator;
import conclab.coro.StopIteration;
import conclab.grader.probe.Evidence;
import conclab.grader.probe.Property;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Public tests of the averager exercise: the learner may read them. Each drives an averager by hand, as a caller
 * of a coroutine does, and watches a meter that records what the averager did to it and on which thread.
 */
public class AveragerTest {
    /** A meter that remembers every call, and the thread of each. */
    static final class RecordingMeter implements Meter {
        int opened, closed;
        final List<Double> recorded = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public void open() {
            opened++;
            threads.add("open on " + Thread.currentThread().getName());
        }

        @Override
        public void record(double average) {
            recorded.add(average);
            threads.add("record on " + Thread.currentThread().getName());
        }

        @Override
        public void close() {
            closed++;
            threads.add("close on " + Thread.currentThread().getName());
        }

        @Override
        public String toString() {
            return "opened " + opened + " time(s), recorded " + recorded + ", closed " + closed + " time(s)";
        }
    }

    @Test
    @Property("primed")
    void primed() {
        RecordingMeter meter = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        if (avg == null) throw new AssertionError("start returned null, not a generator.");
        if (avg.state() == Generator.State.CREATED) {
            throw new AssertionError("start returned a generator that has not started (state CREATED): the caller's"
                    + " first send(10.0) would throw \"can't send non-null value to a just-started generator\"."
                    + " Prime it: run it to its first yield with next() before returning it.");
        }
        if (avg.state() != Generator.State.SUSPENDED) {
            throw new AssertionError("start returned a generator in state " + avg.state() + ", not SUSPENDED at its first"
                    + " yield.");
        }
        if (meter.opened != 1 || !meter.recorded.isEmpty() || meter.closed != 0) {
            throw new AssertionError("Once primed, the averager should have opened its meter once and recorded nothing;"
                    + " the meter was " + meter + ".");
        }
        expectAverage(avg, 10.0, 10.0, "the first send(10.0)");
    }

    @Test
    @Property("averages")
    void averages() {
        RecordingMeter meter = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        expectAverage(avg, 10.0, 10.0, "send(10.0)");
        expectAverage(avg, 30.0, 20.0, "send(30.0) after 10.0");
        expectAverage(avg, 5.0, 15.0, "send(5.0) after 10.0 and 30.0");
        if (!meter.recorded.equals(List.of(10.0, 20.0, 15.0))) {
            throw new AssertionError("After sending 10, 30 and 5 the meter should have recorded [10.0, 20.0, 15.0];"
                    + " the meter was " + meter + ".");
        }
        RecordingMeter meter2 = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> fractions = Averager.start(meter2);
        expectAverage(fractions, 1.5, 1.5, "send(1.5)");
        expectAverage(fractions, 2.0, 1.75, "send(2.0) after 1.5");
        expectAverage(fractions, 0.25, 1.25, "send(0.25) after 1.5 and 2.0");
        if (!meter2.recorded.equals(List.of(1.5, 1.75, 1.25))) {
            throw new AssertionError("After sending 1.5, 2.0 and 0.25 the meter should have recorded [1.5, 1.75, 1.25];"
                    + " the meter was " + meter2 + ".");
        }
        // 1, 2, ..., 10: each average is of all the values so far, (n + 1) / 2 after n; an average of the last w values
        // only (a moving average, which some also call a running average) is more from the value w + 1 on
        Generator<Double, Double, Averager.Summary> counting = Averager.start(new RecordingMeter());
        for (int n = 1; n <= 10; n++) {
            String before = n == 1 ? "" : n == 2 ? " after 1.0" : " after 1.0 to " + (n - 1) + ".0";
            expectAverage(counting, n, (n + 1) / 2.0, "send(" + n + ".0)" + before + " (the average of all the values"
                    + " since the start or the last reset, not of the last few)");
        }
        // tenths, which no float holds exactly: a total kept in a float (total += x compiles) is off by about 1e-9
        Generator<Double, Double, Averager.Summary> tenths = Averager.start(new RecordingMeter());
        expectAverage(tenths, 0.1, 0.1, "send(0.1) (keep the total in a double: a float holds 0.1 only to about 1e-9)");
        expectAverage(tenths, 0.2, 0.15, "send(0.2) after 0.1 (keep the total in a double: a float holds 0.1 only to"
                + " about 1e-9)");
        // two averagers alive at once, sent to in turn: each keeps its own count and total
        Generator<Double, Double, Averager.Summary> a = Averager.start(new RecordingMeter());
        expectAverage(a, 10.0, 10.0, "send(10.0) to averager a");
        Generator<Double, Double, Averager.Summary> b = Averager.start(new RecordingMeter());
        expectAverage(b, 100.0, 100.0, "send(100.0) to averager b, started after a's first value");
        expectAverage(a, 20.0, 15.0, "send(20.0) to averager a (after 10.0 to a, and 100.0 to another averager b)");
    }

    @Test
    @Property("summary")
    void summary() {
        RecordingMeter meter = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        for (double x : new double[] {10, 30, 5}) avg.send(x);
        expectSummary(avg, new Averager.Summary(3, 15.0), "after sending 10, 30 and 5");
        if (avg.state() != Generator.State.CLOSED) {
            throw new AssertionError("After its summary the averager should be CLOSED; it is " + avg.state() + ".");
        }
        if (meter.closed != 1) {
            throw new AssertionError("After send(null) ended the averager, its meter should have been closed once; the"
                    + " meter was " + meter + ".");
        }
        Generator<Double, Double, Averager.Summary> fractions = Averager.start(new RecordingMeter());
        for (double x : new double[] {1.5, 2.0, 0.25}) fractions.send(x);
        expectSummary(fractions, new Averager.Summary(3, 1.25), "after sending 1.5, 2.0 and 0.25");
    }

    @Test
    @Property("reset")
    void reset() {
        RecordingMeter meter = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        avg.send(10.0);
        avg.send(20.0);
        expectResetYieldsNull(avg, "after 10 and 20");
        expectAverage(avg, 4.0, 4.0, "send(4.0) after a reset");
        expectResetYieldsNull(avg, "after 4");
        expectResetYieldsNull(avg, "right after another reset");
        expectAverage(avg, 6.0, 6.0, "send(6.0) after two resets");
        expectAverage(avg, 2.0, 4.0, "send(2.0) after 6.0");
        expectSummary(avg, new Averager.Summary(2, 4.0), "after a reset, then 6 and 2");
        if (meter.opened != 1 || meter.closed != 1 || !meter.recorded.equals(List.of(10.0, 15.0, 4.0, 6.0, 4.0))) {
            throw new AssertionError("A reset starts the average over, with the same meter: after 10, 20, reset, 4,"
                    + " reset, reset, 6, 2 and the summary, the meter should have been opened once, recorded"
                    + " [10.0, 15.0, 4.0, 6.0, 4.0] and closed once; the meter was " + meter + ".");
        }
        Generator<Double, Double, Averager.Summary> empty = Averager.start(new RecordingMeter());
        expectResetYieldsNull(empty, "before any value");
        expectSummary(empty, new Averager.Summary(0, Double.NaN), "with no value since the reset");
    }

    @Test
    @Property("close")
    void close() {
        RecordingMeter meter = new RecordingMeter();
        Generator<Double, Double, Averager.Summary> avg = Averager.start(meter);
        avg.send(10.0);
        closeQuietly(avg, meter, "after one value");
        RecordingMeter meter2 = new RecordingMeter();
        closeQuietly(Averager.start(meter2), meter2, "right after start (at its first yield)");
    }

    // ---------------------------------------------------------------- helpers, also for the hidden tests

    static void closeQuietly(Generator<Double, Double, Averager.Summary> avg, RecordingMeter meter, String when) {
        try {
            avg.close();
        } catch (RuntimeException e) {
            if (Evidence.notDone(e)) throw e;
            throw new AssertionError("close() " + when + " threw " + e + ". close() throws GeneratorExit at the yield;"
                    + " the body must let it end the body (its finally blocks run), not catch it and go on. (GeneratorExit"
                    + " is an Error, so catch (Exception e) lets it through; catch (Throwable t) does not.)", e);
        }
        if (avg.state() != Generator.State.CLOSED) {
            throw new AssertionError("After close() " + when + " the averager is " + avg.state() + ", not CLOSED.");
        }
        if (meter.closed != 1) {
            throw new AssertionError("close() " + when + " should close the meter once (a finally block runs when"
                    + " GeneratorExit ends the body); the meter was " + meter + ".");
        }
    }

    static void expectAverage(Generator<Double, Double, Averager.Summary> avg, double send, double want, String what) {
        Double got;
        try {
            got = avg.send(send);
        } catch (StopIteration e) {
            throw new AssertionError(what + " ended the averager (StopIteration, value " + e.value() + "): it should"
                    + " have returned " + want + " and waited for the next value.");
        } catch (RuntimeException e) {
            if (Evidence.notDone(e)) throw e;
            throw new AssertionError(what + ": " + Evidence.describe(e), e);
        }
        if (got == null || Math.abs(got - want) > 1e-9) {
            throw new AssertionError(what + " returned " + got + ", expected the average " + want + ".");
        }
    }

    static void expectResetYieldsNull(Generator<Double, Double, Averager.Summary> avg, String when) {
        Double got;
        try {
            got = avg.throwIn(new Averager.Reset());
        } catch (StopIteration e) {
            throw new AssertionError("throwIn(new Reset()) " + when + " ended the averager (StopIteration, value "
                    + e.value() + "): a reset starts the average over and waits for the next value.");
        } catch (Averager.Reset e) {
            throw new AssertionError("throwIn(new Reset()) " + when + " came back out of throwIn: the body should catch"
                    + " it at its yield, start over, and yield again.");
        } catch (RuntimeException e) {
            if (Evidence.notDone(e)) throw e;
            throw new AssertionError("throwIn(new Reset()) " + when + ": " + Evidence.describe(e), e);
        }
        if (got != null) {
            throw new AssertionError("throwIn(new Reset()) " + when + " returned " + got + ": after a reset there is no"
                    + " average yet, so the averager yields null.");
        }
    }

    static void expectSummary(Generator<Double, Double, Averager.Summary> avg, Averager.Summary want, String when) {
        try {
            Double got = avg.send(null);
            throw new AssertionError("send(null) " + when + " returned " + got + ": it should end the averager, whose"
                    + " body returns its Summary (the caller gets it as the value of a StopIteration).");
        } catch (StopIteration e) {
            if (!(e.value() instanceof Averager.Summary s) || s.count() != want.count()
                    || !(Double.compare(s.average(), want.average()) == 0 || Math.abs(s.average() - want.average()) < 1e-9)) {
                throw new AssertionError("send(null) " + when + " ended the averager with the value " + e.value()
                        + ", expected " + want + ".");
            }
        } catch (RuntimeException e) {
            if (Evidence.notDone(e)) throw e;
            throw new AssertionError("send(null) " + when + ": " + Evidence.describe(e), e);
        }
    }
}
