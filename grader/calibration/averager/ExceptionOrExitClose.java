// fails: other-errors
// Closes the meter in a catch of Exception and GeneratorExit (and before returning the summary), with no finally: checked exceptions are closed for, but another Error thrown in (an AssertionError, say) ends the body and leaves the meter open.
import conclab.coro.Generator;
import conclab.coro.GeneratorExit;

/** Where an averager reports: opened when its body starts, told each new average, closed when the body ends. */
interface Meter {
    void open();
    void record(double average);
    void close();
}

class Averager {
    /** Thrown into an averager (with throwIn) to start the average over. */
    static final class Reset extends RuntimeException {
        Reset() {
            super("reset", null, false, false);
        }
    }

    /** What an averager returns when sent null: how many values since the start or the last reset, their average (NaN if none). */
    record Summary(int count, double average) {}

    /**
     * A running average as a coroutine, returned primed: suspended at its first yield, which yielded null (no average
     * yet). Each send(x) returns the average of the values sent since the start or the last reset, and records it on
     * the meter; throwIn(new Reset()) starts over and yields null; send(null) ends it, returning the Summary. The meter
     * is opened when the body starts and closed once when it ends, however it ends.
     */
    static Generator<Double, Double, Summary> start(Meter meter) {
        Generator<Double, Double, Summary> averager = Generator.of(y -> {
            meter.open();
            int count = 0;
            double total = 0;
            Double average = null;
            while (true) {
                Double x;
                try {
                    x = y.yield(average);
                } catch (Reset r) {
                    count = 0;
                    total = 0;
                    average = null;
                    continue;
                } catch (Exception | GeneratorExit e) {          // close() and any exception: close the meter
                    meter.close();
                    throw e;
                }
                if (x == null) {
                    meter.close();
                    return new Summary(count, count == 0 ? Double.NaN : total / count);
                }
                total += x;
                count++;
                average = total / count;
                meter.record(average);
            }
        });
        averager.next();
        return averager;
    }
}
