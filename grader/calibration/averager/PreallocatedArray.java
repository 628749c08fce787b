// fails: constant-memory
// Keeps every value for the summary in an array of a million doubles made when the body starts (8 MB at once): right answers, and the heap does not grow while values come, but the room for them was taken before the first one; it breaks after a million values.
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
                double[] kept = new double[1 << 20];  // room for a million values, made once
                int stored = 0;
                long count = 0;
                double total = 0;
                Double average = null;               // no average before the first value
                while (true) {
                    Double x;
                    try {
                        x = y.yield(average);
                    } catch (Reset r) {              // thrown in at the yield: start over
                        stored = 0;
                        count = 0;
                        total = 0;
                        average = null;
                        continue;
                    }
                    if (x == null) {
                        double sum = 0;
                        for (int i = 0; i < stored; i++) sum += kept[i];
                        return new Summary(stored, stored == 0 ? Double.NaN : sum / stored);
                    }
                    kept[stored++] = x;
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
    }
}
