// fails: constant-memory
// Counts how often each value was sent (a Map<Double, Long>) for the summary: right answers, small while values repeat, but one entry for every different value.
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
                java.util.Map<Double, Long> histogram = new java.util.HashMap<>(); // how often each value came
                long count = 0;
                double total = 0;
                Double average = null;               // no average before the first value
                while (true) {
                    Double x;
                    try {
                        x = y.yield(average);
                    } catch (Reset r) {              // thrown in at the yield: start over
                        histogram.clear();
                        count = 0;
                        total = 0;
                        average = null;
                        continue;
                    }
                    if (x == null) {
                        long n = 0;
                        double sum = 0;
                        for (var e : histogram.entrySet()) {
                            n += e.getValue();
                            sum += e.getKey() * e.getValue();
                        }
                        return new Summary((int) n, n == 0 ? Double.NaN : sum / n);
                    }
                    histogram.merge(x, 1L, Long::sum);
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
