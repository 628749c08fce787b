package conclab.grader;

import java.util.Properties;

/**
 * What a check's JVM may use before the watchdog kills it. The defaults suit the course's exercises on a
 * 2-core machine; an exercise may change any of them with {@code limit.NAME = VALUE} in its definition.
 *
 * @param wallSeconds   the whole run, compile and tests ({@code limit.wall})
 * @param testSeconds   one property's test, after which it fails and the next one runs ({@code limit.test})
 * @param heapMegabytes the test JVM's {@code -Xmx} ({@code limit.heap})
 * @param threads       live platform threads of the test JVM, JVM's own included ({@code limit.threads})
 * @param processes     processes the test JVM starts, counted at any moment ({@code limit.processes})
 * @param outputBytes   what the learner's code may print, stdout and stderr together ({@code limit.output})
 */
public record Limits(int wallSeconds, int testSeconds, int heapMegabytes, int threads, int processes,
                     long outputBytes) {
    /** 60 s, 10 s per property, 256 MB of heap, 400 threads, 4 processes, 1 MB of output. */
    public static final Limits DEFAULT = new Limits(60, 10, 256, 400, 4, 1 << 20);

    /** These limits with the {@code limit.*} entries of an exercise definition applied. */
    Limits with(Properties p) {
        return new Limits(
                get(p, "limit.wall", wallSeconds),
                get(p, "limit.test", testSeconds),
                get(p, "limit.heap", heapMegabytes),
                get(p, "limit.threads", threads),
                get(p, "limit.processes", processes),
                get(p, "limit.output", outputBytes));
    }

    private static int get(Properties p, String key, int fallback) {
        return (int) get(p, key, (long) fallback);
    }

    private static long get(Properties p, String key, long fallback) {
        String v = p.getProperty(key);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v.strip());
            if (n <= 0) throw new IllegalArgumentException(key + " must be positive, not " + v.strip());
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not " + v.strip());
        }
    }
}
