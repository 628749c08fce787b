// fails: constant-memory
// Starts over after a reset by calling its loop again from the catch: each reset leaves a frame on the coroutine's stack, which grows until it overflows.
import conclab.coro.Generator;
import conclab.coro.Yielder;

interface Meter {
    void open();
    void record(double average);
    void close();
}

class Averager {
    static final class Reset extends RuntimeException {
        Reset() {
            super("reset", null, false, false);
        }
    }

    record Summary(int count, double average) {}

    static Generator<Double, Double, Summary> start(Meter meter) {
        Generator<Double, Double, Summary> averager = Generator.of(y -> {
            meter.open();
            try {
                return average(y, meter);
            } finally {
                meter.close();
            }
        });
        averager.next();
        return averager;
    }

    /** One average, from the start or a reset: a reset starts a fresh one (recursively). */
    private static Summary average(Yielder<Double, Double> y, Meter meter) throws Exception {
        int count = 0;
        double total = 0;
        Double average = null;
        while (true) {
            Double x;
            try {
                x = y.yield(average);
            } catch (Reset r) {
                return average(y, meter);       // start over: a new frame for each reset
            }
            if (x == null) return new Summary(count, count == 0 ? Double.NaN : total / count);
            total += x;
            count++;
            average = total / count;
            meter.record(average);
        }
    }
}
