package conclab.c10k.load;

import conclab.threads.CpuUse;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The C10K lab's load generator: opens N keep-alive connections to a server on {@code 127.0.0.1}, holds them,
 * then loads them and reports what it measured, in its own JVM (a process holds at most 20,000 descriptors here).
 *
 * <p>Phases ({@link #run}): 1. connect the N connections, the connects spread over the ramp and each bounded by
 * the timeout; report {@link Held}; 2. wait until the caller says go (the main: a line, or the end, of standard
 * input), every connection idle; 3. load for the given seconds: closed loop (rate 0: each connection keeps exactly
 * one request outstanding, its latency timed from its real send) or at a fixed total rate (request i is meant to
 * be sent at {@code start + i / rate} by held connection {@code i mod H}; its latency is timed from that intended
 * time, so a server that makes requests wait cannot hide the wait: no coordinated omission); then await the
 * outstanding answers; 4. report {@link Result} and close every connection.
 *
 * <p>Errors: a connect that fails or times out counts in {@code connectErrors} (no retry). During the load a reset,
 * a close by the server or a byte that is not the expected response's is an error, and that connection is closed;
 * a request unanswered after the timeout counts in {@code timeouts}, with every other outstanding one of its
 * connection, which stops sending. So {@code sent = completed + timeouts + the requests lost with a failed
 * connection}.
 *
 * <p>Threads: K {@link Worker}s, each with its own selector and its own share of the connections (connection i
 * belongs to worker {@code i mod K}), each run by one thread of a fixed pool during phases 1 and 3; the caller's
 * thread waits for them and merges their counts and latency histograms. No state is shared between workers.
 *
 * <p>Main: {@code LoadGenerator --port P --connections N [--rate R] [--seconds D] [--ramp-seconds S]
 * [--timeout-ms T] [--threads K]} prints two JSON lines to standard output (the {@code held} line, then the
 * {@code result} line) and nothing else; diagnostics go to standard error. Bad input: one line, exit code 2.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    /**
     * What to run.
     *
     * @param port         the server's port on 127.0.0.1
     * @param connections  N, at least 1
     * @param rate         requests per second in total; 0 = closed loop, as fast as the server answers
     * @param seconds      how long the load sends, D, more than 0
     * @param rampSeconds  over how long the connects are spread, S, at least 0
     * @param timeoutMs    how long a connect or a request may take, T, at least 1
     * @param threads      selector threads, K, at least 1
     */
    public record Options(int port, int connections, double rate, double seconds, double rampSeconds,
                          int timeoutMs, int threads) {
        public static final String USAGE = "usage: LoadGenerator --port P --connections N [--rate R] [--seconds D]"
                + " [--ramp-seconds S] [--timeout-ms T] [--threads K]";

        public Options {
            check(port >= 1 && port <= 65535, "--port must be 1 to 65535");
            check(connections >= 1, "--connections must be at least 1");
            check(rate >= 0 && Double.isFinite(rate), "--rate must be 0 (closed loop) or more");
            check(seconds > 0 && Double.isFinite(seconds), "--seconds must be more than 0");
            check(rampSeconds >= 0 && Double.isFinite(rampSeconds), "--ramp-seconds must be 0 or more");
            check(timeoutMs >= 1, "--timeout-ms must be at least 1");
            check(threads >= 1, "--threads must be at least 1");
        }

        /** K when not given: 2 selector threads, 1 for fewer than 100 connections. */
        public static int defaultThreads(int connections) {
            return connections < 100 ? 1 : 2;
        }

        /**
         * Parses the command line.
         *
         * @throws IllegalArgumentException with a one-line message that says what to do
         */
        public static Options parse(String... args) {
            int port = -1;
            int connections = -1;
            double rate = 0;
            double seconds = 5;
            double rampSeconds = 2;
            int timeoutMs = 2000;
            int threads = -1;
            for (int i = 0; i < args.length; i += 2) {
                String flag = args[i];
                check(i + 1 < args.length, flag + " needs a value");
                String value = args[i + 1];
                switch (flag) {
                    case "--port" -> port = whole(flag, value);
                    case "--connections" -> connections = whole(flag, value);
                    case "--rate" -> rate = number(flag, value);
                    case "--seconds" -> seconds = number(flag, value);
                    case "--ramp-seconds" -> rampSeconds = number(flag, value);
                    case "--timeout-ms" -> timeoutMs = whole(flag, value);
                    case "--threads" -> threads = whole(flag, value);
                    default -> throw new IllegalArgumentException("unknown flag '" + flag + "'; " + USAGE);
                }
            }
            check(port != -1, "--port is required");
            check(connections != -1, "--connections is required");
            return new Options(port, connections, rate, seconds, rampSeconds, timeoutMs,
                    threads == -1 ? defaultThreads(connections) : threads);
        }

        private static int whole(String flag, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " wants a whole number, not '" + value + "'; " + USAGE);
            }
        }

        private static double number(String flag, String value) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " wants a number, not '" + value + "'; " + USAGE);
            }
        }

        private static void check(boolean ok, String what) {
            if (!ok) throw new IllegalArgumentException(what + "; " + USAGE);
        }
    }

    /**
     * The end of phase 1.
     *
     * @param connections   N, the connections asked for
     * @param held          H, the connections connected
     * @param connectErrors the connects that failed or timed out
     * @param ms            how long the phase took, in milliseconds
     */
    public record Held(int connections, int held, long connectErrors, long ms) {
        /** {@code {"event":"held","connections":N,"held":H,"connectErrors":E,"ms":M}} */
        public String toJson() {
            return json("event", "held", "connections", connections, "held", held, "connectErrors", connectErrors,
                    "ms", ms);
        }
    }

    /**
     * What the run measured.
     *
     * @param held                phase 1's report
     * @param errors              resets, closes by the server and unexpected bytes during the load
     * @param timeouts            requests unanswered after the timeout
     * @param sent                requests sent (or queued to a connection to be written)
     * @param completed           requests answered
     * @param answeredConnections connections that had at least one response
     * @param seconds             D, the seconds of sending asked for
     * @param rps                 completed per second of the load phase, which lasts D plus the wait for the last
     *                            answers (or timeouts); rounded to 0.1
     * @param p50us               latency percentiles and maximum, microseconds; 0 if nothing completed
     * @param cpuUs               the CPU time this generator's JVM used (every thread) from the start of the load to
     *                            the end of {@link #run}, its connections closed, in microseconds: a benchmark
     *                            subtracts it, with the server's, from the machine's busy time; -1 until run sets it
     */
    public record Result(Held held, long errors, long timeouts, long sent, long completed, int answeredConnections,
                         double seconds, double rps, long p50us, long p99us, long p999us, long maxus, long cpuUs) {
        /**
         * {@code {"event":"result","connections":N,"held":H,"errors":E,"timeouts":T,"sent":S,"completed":C,
         * "answeredConnections":A,"seconds":D,"rps":X,"p50us":..,"p99us":..,"p999us":..,"maxus":..,"cpuUs":..}}
         */
        public String toJson() {
            return json("event", "result", "connections", held.connections(), "held", held.held(), "errors", errors,
                    "timeouts", timeouts, "sent", sent, "completed", completed,
                    "answeredConnections", answeredConnections, "seconds", seconds, "rps", rps, "p50us", p50us,
                    "p99us", p99us, "p999us", p999us, "maxus", maxus, "cpuUs", cpuUs);
        }

        /** This result with {@code cpuUs} set. */
        Result withCpuUs(long cpuUs) {
            return new Result(held, errors, timeouts, sent, completed, answeredConnections, seconds, rps, p50us, p99us,
                    p999us, maxus, cpuUs);
        }
    }

    /**
     * Runs the four phases; see the class comment.
     *
     * @param options what to run
     * @param onHeld  called on this thread after phase 1 with its report; the load starts when it returns
     * @return what phase 3 measured
     * @throws IOException if a selector cannot be opened or fails (a failed connection is counted, not thrown)
     */
    public static Result run(Options options, Consumer<Held> onHeld) throws IOException, InterruptedException {
        int k = options.threads();
        List<Worker> workers = new ArrayList<>(k);
        long cpuAtGo;
        Result result;
        try (ExecutorService pool = Executors.newFixedThreadPool(k, Thread.ofPlatform().name("load-", 0).factory())) {
            for (int i = 0; i < k; i++) workers.add(new Worker(i, k));
            Held held = connect(options, workers, pool);
            onHeld.accept(held);
            cpuAtGo = CpuUse.jvmCpuNanos();
            result = load(options, held, workers, pool);
        } finally {
            for (Worker w : workers) w.close();
        }
        // the load's CPU time with the closing of its connections: a benchmark measures up to the result line
        return result.withCpuUs((CpuUse.jvmCpuNanos() - cpuAtGo) / 1000);
    }

    /** Phase 1, on every worker at once. */
    private static Held connect(Options o, List<Worker> workers, ExecutorService pool)
            throws IOException, InterruptedException {
        var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), o.port());
        long start = System.nanoTime();
        long ramp = (long) (o.rampSeconds() * 1e9);
        long timeout = TimeUnit.MILLISECONDS.toNanos(o.timeoutMs());
        onEach(workers, pool, w -> w.connect(address, o.connections(), start, ramp, timeout));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long connectErrors = workers.stream().mapToLong(w -> w.connectErrors).sum();
        int held = workers.stream().mapToInt(w -> w.held.size()).sum();
        report(workers, "connect", connectErrors);
        return new Held(o.connections(), held, connectErrors, ms);
    }

    /** Phase 3, on every worker at once; then the merged counts. */
    private static Result load(Options o, Held held, List<Worker> workers, ExecutorService pool)
            throws IOException, InterruptedException {
        // The rate schedule's round robin runs over the held connections in connect order: number them.
        List<Connection> all = new ArrayList<>(held.held());
        for (Worker w : workers) all.addAll(w.held);
        all.sort(Comparator.comparingInt(c -> c.index));
        for (int slot = 0; slot < all.size(); slot++) all.get(slot).slot = slot;

        long start = System.nanoTime();
        long end = start + (long) (o.seconds() * 1e9);
        var plan = new Worker.Plan(start, end, o.rate(), all.size(), TimeUnit.MILLISECONDS.toNanos(o.timeoutMs()));
        onEach(workers, pool, w -> w.load(plan));
        double elapsed = Math.max(1, System.nanoTime() - start) / 1e9;

        Histogram latencies = new Histogram(3);
        long errors = 0, timeouts = 0, sent = 0, completed = 0;
        int answered = 0;
        for (Worker w : workers) {
            latencies.add(w.latencies);
            errors += w.errors;
            timeouts += w.timeouts;
            sent += w.sent;
            completed += w.completed;
            answered += w.answered();
        }
        report(workers, "load", errors);
        return new Result(held, errors, timeouts, sent, completed, answered, o.seconds(),
                Math.round(completed / elapsed * 10) / 10.0,
                latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99),
                latencies.getValueAtPercentile(99.9), latencies.getMaxValue(), -1);
    }

    /** A worker's phase, which may throw. */
    private interface Phase {
        void run(Worker w) throws IOException;
    }

    /** Runs {@code phase} on every worker, each on a thread of the pool, and waits for all of them. */
    private static void onEach(List<Worker> workers, ExecutorService pool, Phase phase)
            throws IOException, InterruptedException {
        List<Future<?>> running = new ArrayList<>();
        for (Worker w : workers) {
            running.add(pool.submit(() -> {
                phase.run(w);
                return null;
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /** A diagnostic on standard error when a phase had failures: how many, and the first one's message. */
    private static void report(List<Worker> workers, String phase, long failures) {
        if (failures == 0) return;
        String first = workers.stream().map(w -> w.firstError).filter(e -> e != null).findFirst().orElse("?");
        System.err.println("LoadGenerator: " + failures + " " + phase + " errors; the first: " + first);
    }

    /** A JSON object from keys and values: strings (no escaping needed here: checked) and numbers. */
    static String json(Object... keysAndValues) {
        var out = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) out.append(',');
            out.append('"').append(keysAndValues[i]).append("\":");
            Object value = keysAndValues[i + 1];
            switch (value) {
                case String s -> {
                    if (s.indexOf('"') >= 0 || s.indexOf('\\') >= 0) throw new IllegalArgumentException(s);
                    out.append('"').append(s).append('"');
                }
                case Double d -> out.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
                default -> out.append(value);   // Integer, Long
            }
        }
        return out.append('}').toString();
    }

    /** Runs the generator from the command line; see the class comment. */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Result result = run(options, held -> {
                System.out.println(held.toJson());
                System.out.flush();
                awaitLine(System.in);
            });
            System.out.println(result.toJson());
            System.out.flush();
        } catch (IOException e) {
            System.err.println("LoadGenerator: " + e);
            System.exit(1);
        }
        System.exit(0);
    }

    /** Reads up to the end of a line, or of the input. */
    private static void awaitLine(InputStream in) {
        try {
            int b;
            do {
                b = in.read();
            } while (b != -1 && b != '\n');
        } catch (IOException e) {
            // an unreadable stdin counts as its end
        }
    }
}
