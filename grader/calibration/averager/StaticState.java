// fails: averages
// Keeps the count and the total in static fields of Averager (the fix a learner reaches for when javac says a lambda cannot assign start's local variables), set to zero when a body starts: one averager at a time is right, but two alive at once share one count and total.
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
    /** The running count and total (a lambda cannot assign the local variables of start). */
    static int count;
    static double total;

    static Generator<Double, Double, Summary> start(Meter meter) {
        // BEGIN SOLUTION
        Generator<Double, Double, Summary> averager = Generator.of(y -> {
            meter.open();
            try {
                count = 0;                           // a new averager starts from nothing
                total = 0;
                Double average = null;               // no average before the first value
                while (true) {
                    Double x;
                    try {
                        x = y.yield(average);
                    } catch (Reset r) {              // thrown in at the yield: start over
                        count = 0;
                        total = 0;
                        average = null;
                        continue;
                    }
                    if (x == null) return new Summary(count, count == 0 ? Double.NaN : total / count);
                    total += x;
                    count++;
                    average = total / count;
                    meter.record(average);
                }
            } finally {
                meter.close();                       // however the body ends: returned, closed, or an exception
            }
        });
        averager.next();                             // prime it: run the body to its first yield
        return averager;
        // END SOLUTION
    }
}