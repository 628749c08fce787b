// fails: constant-memory
// A moving average of the last 1,000 values (an ArrayDeque): right for the public tests' few values, and its memory stays bounded, but after more than 1,000 values the average is not of all of them.
import conclab.coro.Generator;

/** Where an averager reports: opened when its body starts, told each new average, closed when the body ends. */
interface Meter {
    void open();
    void record(double average);
    void close();
}

class Averager {
    /** How many of the last values the average is of. */
    static final int WINDOW = 1000;

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
            try {
                int count = 0;                       // every value since the start or the last reset, for the summary
                java.util.ArrayDeque<Double> window = new java.util.ArrayDeque<>();
                double windowTotal = 0;
                Double average = null;               // no average before the first value
                while (true) {
                    Double x;
                    try {
                        x = y.yield(average);
                    } catch (Reset r) {              // thrown in at the yield: start over
                        count = 0;
                        window.clear();
                        windowTotal = 0;
                        average = null;
                        continue;
                    }
                    if (x == null) return new Summary(count, window.isEmpty() ? Double.NaN : windowTotal / window.size());
                    count++;
                    window.addLast(x);
                    windowTotal += x;
                    if (window.size() > WINDOW) windowTotal -= window.removeFirst();
                    average = windowTotal / window.size();
                    meter.record(average);
                }
            } finally {
                meter.close();                       // however the body ends: returned, closed, or an exception
            }
        });
        averager.next();                             // prime it: run the body to its first yield
        return averager;
    }
}
