// fails:
// Correct with a count and the mean itself (mean += (x - mean) / count, Welford's update) instead of a total: each average is rounded a little differently.
import conclab.coro.Generator;

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
            try {
                int count = 0;
                double mean = 0;                     // kept itself, not a total: it cannot overflow, but rounds at each step
                Double average = null;               // no average before the first value
                while (true) {
                    Double x;
                    try {
                        x = y.yield(average);
                    } catch (Reset r) {              // thrown in at the yield: start over
                        count = 0;
                        mean = 0;
                        average = null;
                        continue;
                    }
                    if (x == null) return new Summary(count, count == 0 ? Double.NaN : mean);
                    count++;
                    mean += (x - mean) / count;
                    average = mean;
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
