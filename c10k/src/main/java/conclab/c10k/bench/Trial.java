package conclab.c10k.bench;

import conclab.threads.CpuUse;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server at one size, measured: a server JVM started once, then our load generator, then {@code wrk},
 * against it, one after the other, each once the server has let go of the one before ({@link #awaitSettled}).
 *
 * <p>First a short warm-up with our generator ({@link #warmUp}). Then, with our generator: the server's memory
 * idle; the generator's N connections opened ({@code held}) and accepted by the server; the memory again, the
 * difference being what N idle connections cost; then the load, over which the server's CPU time is read and,
 * half-way, its threads; then the generator's result. With wrk: its run, the server's CPU time over it, its
 * threads half-way. Then the server is ended.
 *
 * <p>Every phase is bounded (the server's start by {@link Settings#startWithin}, the connections by the ramp
 * plus the request timeout plus {@link Settings#slack}, the load and wrk by the load's length plus the same),
 * so a server that cannot keep up, or a child that hangs, costs a bounded time and becomes a note in its row:
 * what happened, never a hang. Every child is ended before {@link #run} returns.
 */
final class Trial {
    private Trial() {}

    /**
     * How a trial runs.
     *
     * @param load           the length of the load phase, ours and wrk's (whole seconds)
     * @param warmUp         the length of the warm-up's load (whole seconds; zero: no warm-up)
     * @param ramp           the time over which the generator spreads its connects (whole seconds)
     * @param requestTimeout how long a request (and a connect) may wait before it counts as a timeout
     * @param startWithin    how long a server may take to print its port
     * @param slack          what each bounded phase may take beyond its nominal length (a loaded machine)
     * @param ours           whether our generator runs
     * @param wrk            whether wrk runs
     */
    record Settings(Duration load, Duration warmUp, Duration ramp, Duration requestTimeout, Duration startWithin,
                    Duration slack, boolean ours, boolean wrk) {
        /** The benchmark's: {@code seconds} of load after a 2 s warm-up, a 2 s ramp, 2 s timeouts, 30 s of slack. */
        static Settings of(int seconds, boolean ours, boolean wrk) {
            Duration two = Duration.ofSeconds(2), thirty = Duration.ofSeconds(30);
            return new Settings(Duration.ofSeconds(seconds), two, two, two, thirty, thirty, ours, wrk);
        }
    }

    /** The warm-up's connections. */
    static final int WARM_UP_CONNECTIONS = 100;

    /** How long the server may take to accept the connections the generator holds, before it is measured. */
    static final Duration ACCEPT_WITHIN = Duration.ofSeconds(10);

    /**
     * How long a server may take to end once its stdin ended. A server of 10,000 platform threads joins them all,
     * and ending thousands of threads takes the JVM seconds (measured here: 5 s for 5,000 threads with no socket
     * at all, on a loaded machine), so the bound is generous and the time taken is reported when it is long.
     */
    static final Duration END_WITHIN = Duration.ofSeconds(90);

    /** How long the server may take to let go of a client's connections before the next client starts. */
    static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);

    /**
     * The descriptors a server at rest may hold beyond those it had before the warm-up: the first {@code jcmd}
     * leaves the JVM's attach listener open, and the JVM may open a file or two of its own.
     */
    static final int DESCRIPTOR_SLACK = 32;

    /** The time between two looks at the server's threads while it settles. */
    static final Duration SETTLE_STEP = Duration.ofMillis(250);

    /** An end slower than this is reported in the rows' note. */
    static final Duration SLOW_END = Duration.ofSeconds(2);

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    /** The rows of {@code server} at {@code size}: one per client asked for, each measured or saying why not. */
    static List<Run> run(Launch launch, Settings s, String server, int size) {
        List<Run> runs = new ArrayList<>();
        Child child;
        try {
            child = launch.server(server);
        } catch (UncheckedIOException e) {
            return failed(s, server, size, e.getMessage());
        }
        try (child) {
            String line = child.awaitLine(LISTENING.asPredicate(), s.startWithin());
            if (line == null)
                return failed(s, server, size, "the server printed no 'listening on' line %s: %s"
                        .formatted(when(child, s.startWithin()), child.errors()));
            Matcher m = LISTENING.matcher(line);
            int port = m.find() ? Integer.parseInt(m.group(1)) : -1;
            Long base = Probe.descriptors(child.pid());
            String warm = join(warmUp(launch, s, port, size), awaitSettled(child.pid(), base, "the warm-up"));
            if (s.ours()) runs.add(ours(launch, s, child, server, size, port));
            String settled = s.ours() && s.wrk() ? awaitSettled(child.pid(), base, "our generator") : null;
            if (s.wrk()) runs.add(wrk(s, child, server, size, port).withNote(settled));
            if (warm != null) runs.replaceAll(r -> r.withNote(warm));
            if (!child.alive())
                runs.replaceAll(r -> r.withNote("the server exited during the run, code %d: %s"
                        .formatted(child.exitCode(), child.errors())));
            else {
                long t0 = System.nanoTime();
                if (!child.end(END_WITHIN))
                    runs.replaceAll(r -> r.withNote("the server did not end within %d s of its stdin's end: killed"
                            .formatted(END_WITHIN.toSeconds())));
                else if (System.nanoTime() - t0 > SLOW_END.toNanos()) {
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    runs.replaceAll(r -> r.withNote(String.format(Locale.ROOT,
                            "the server took %.1f s to end after its stdin's end", seconds)));
                }
            }
        }
        return runs;
    }

    /**
     * Our generator against the server: memory idle and with the connections held, then the load, its CPU time,
     * and the most threads seen (once the connections are accepted, and half-way through the load).
     */
    private static Run ours(Launch launch, Settings s, Child server, String name, int size, int port) {
        long pid = server.pid();
        Probe.Memory idle = Probe.memory(pid);
        Long idleDescriptors = Probe.descriptors(pid);
        try (Child generator = generator(launch, s, port, size, s.ramp(), s.load())) {
            Duration connecting = s.ramp().plus(s.requestTimeout()).plus(s.slack());
            Map<String, String> held = FlatJson.parse(generator.awaitLine(event("held"), connecting));
            if (held.isEmpty())
                return Run.failed(name, size, "ours", "the generator printed no 'held' line %s: %s"
                        .formatted(when(generator, connecting), generator.errors()));
            int connections = Integer.parseInt(held.get("held"));
            String note = join(connectNote(held, size, s), awaitAccepted(pid, idleDescriptors, connections));
            Long gained = difference(Probe.descriptors(pid), idleDescriptors);
            int accepted = gained == null ? connections : (int) Math.min(gained, connections);
            Probe.Memory perConnection = Probe.memory(pid).perConnection(idle, accepted);
            Integer threads = Probe.threads(pid);

            Long cpuBefore = Probe.cpuMicros(pid);
            CpuUse.Start machine = CpuUse.start();
            generator.send("go");
            String line = generator.awaitLine(event("result"), s.load().dividedBy(2));
            threads = max(threads, Probe.threads(pid));
            Duration loading = s.load().plus(s.requestTimeout()).plus(s.slack());
            if (line == null) line = generator.awaitLine(event("result"), loading);
            Long cpu = difference(Probe.cpuMicros(pid), cpuBefore);
            CpuUse used = machine.since();
            Map<String, String> result = FlatJson.parse(line);
            // the generator's own CPU time during its load (it exits once it has printed it: /proc/PID may be gone)
            Double others = otherWork(used, cpu, number(result, "cpuUs"));
            if (result.isEmpty())
                note = join(note, "the generator printed no 'result' line %s: %s"
                        .formatted(when(generator, loading), generator.errors()));
            Long completed = number(result, "completed");
            return new Run(name, size, "ours", connections, number(held, "ms"), accepted, number(result, "errors"), number(result, "timeouts"),
                    number(result, "sent"), completed, real(result, "rps"), number(result, "p50us"),
                    number(result, "p99us"), number(result, "p999us"), perRequest(cpu, completed), others, threads,
                    perConnection.heapUsedBytes(), perConnection.nativeBytes(),
                    result.containsKey("answeredConnections") ? Integer.valueOf(result.get("answeredConnections")) : null,
                    note);
        } catch (UncheckedIOException e) {
            return Run.failed(name, size, "ours", e.getMessage());
        }
    }

    /**
     * Waits, at most {@link #ACCEPT_WITHIN}, until the server has a descriptor for each connection held (the
     * generator counts a connection held once the kernel completed it, which may be before the server accepted
     * it); null once it has, else what it had.
     */
    private static String awaitAccepted(long pid, Long idle, int connections) {
        long deadline = System.nanoTime() + ACCEPT_WITHIN.toNanos();
        Long now;
        while ((now = Probe.descriptors(pid)) != null && idle != null && now - idle < connections) {
            if (System.nanoTime() - deadline > 0)
                return "the server had accepted %d of the %d connections after %d s (its descriptors less the idle ones)"
                        .formatted(now - idle, connections, ACCEPT_WITHIN.toSeconds());
            try {
                Thread.sleep(50); // polls a figure of another process: nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return null;
    }

    /**
     * Waits, at most {@link #SETTLE_WITHIN}, until the server has let go of the last client's connections: its
     * descriptors back to {@code base} (if known; give or take {@link #DESCRIPTOR_SLACK}) and its thread count the
     * same in two looks {@link #SETTLE_STEP} apart. The next client must meet a server at rest: one still closing
     * connections and ending threads (a thread per connection takes seconds to end 10,000 of them) would have its
     * req/s and latencies measure that. Returns null once settled, else what it saw, for the next rows' note; at
     * once if the server's threads cannot be read (it has exited, or they cannot be read here).
     */
    static String awaitSettled(long pid, Long base, String after) {
        return awaitSettled(pid, base, after, SETTLE_WITHIN);
    }

    static String awaitSettled(long pid, Long base, String after, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Integer before = Probe.threads(pid);
        while (true) {
            try {
                Thread.sleep(SETTLE_STEP); // watches figures of another process: nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            Integer threads = Probe.threads(pid);
            if (threads == null)
                return "the server's threads could not be read after " + after + " ended: "
                        + (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                                ? "not waited for it to settle" : "it has exited");
            Long descriptors = Probe.descriptors(pid);
            boolean closed = base == null || descriptors == null || descriptors <= base + DESCRIPTOR_SLACK;
            if (closed && threads.equals(before)) return null;
            if (System.nanoTime() - deadline > 0)
                return "the server had not settled %d s after %s ended (%s threads, %s descriptors against %s idle)"
                        .formatted(within.toSeconds(), after, threads, descriptors, base);
            before = threads;
        }
    }

    /**
     * A short run of our generator ({@link #WARM_UP_CONNECTIONS} connections, fewer if the trial's size is smaller, a 1 s ramp, a load of
     * {@link Settings#warmUp}) before anything is measured, so that every client meets a server whose JIT has
     * compiled its paths and whose classes are loaded: else the first client's req/s and the idle memory would
     * pay for them. Returns null, or why it did not complete.
     */
    private static String warmUp(Launch launch, Settings s, int port, int size) {
        if (s.warmUp().isZero()) return null;
        try (Child generator = generator(launch, s, port, Math.min(WARM_UP_CONNECTIONS, size), Duration.ofSeconds(1), s.warmUp())) {
            Duration bound = s.ramp().plus(s.requestTimeout()).plus(s.slack());
            boolean done = generator.awaitLine(event("held"), bound) != null && generator.send("go")
                    && generator.awaitLine(event("result"), s.warmUp().plus(bound)) != null;
            return done ? null : "the warm-up did not complete: " + generator.errors();
        } catch (UncheckedIOException e) {
            return "no warm-up: " + e.getMessage();
        }
    }

    /** Starts our generator: {@code connections} to {@code port} over {@code ramp}, rate 0, a load of {@code load}. */
    private static Child generator(Launch launch, Settings s, int port, int connections, Duration ramp, Duration load) {
        return launch.generator(List.of("--port", "" + port, "--connections", "" + connections, "--rate", "0",
                "--seconds", "" + load.toSeconds(), "--ramp-seconds", "" + ramp.toSeconds(),
                "--timeout-ms", "" + s.requestTimeout().toMillis()));
    }

    /** wrk against the server: its summary, the server's CPU over the run and its threads half-way. */
    private static Run wrk(Settings s, Child server, String name, int size, int port) {
        long pid = server.pid();
        Long cpuBefore = Probe.cpuMicros(pid);
        try (Child wrk = Wrk.start(port, size, s.load(), s.requestTimeout())) {
            wrk.waitFor(s.load().dividedBy(2));
            Integer threads = Probe.threads(pid);
            List<String> output = wrk.output(s.load().plus(s.slack()));
            Long cpu = difference(Probe.cpuMicros(pid), cpuBefore);
            Wrk.Result r = Wrk.parse(output);
            if (r == null)
                return Run.failed(name, size, "wrk", "wrk printed no summary (exit code %s): %s"
                        .formatted(wrk.exitCode(), String.join(" | ", output) + " " + wrk.errors()));
            return new Run(name, size, "wrk", null, null, null, r.errors(), r.timeouts(), null, r.requests(), r.rps(), r.p50us(),
                    r.p99us(), null, perRequest(cpu, r.requests()), null, threads, null, null, null,
                    r.connectErrors() > 0 ? r.connectErrors() + " connect errors" : null);
        } catch (UncheckedIOException e) {
            return Run.failed(name, size, "wrk", e.getMessage());
        }
    }

    /** One failed row per client asked for. */
    private static List<Run> failed(Settings s, String server, int size, String why) {
        List<Run> runs = new ArrayList<>();
        if (s.ours()) runs.add(Run.failed(server, size, "ours", why));
        if (s.wrk()) runs.add(Run.failed(server, size, "wrk", why));
        return runs;
    }

    /** What the connect phase did, if it did not hold every connection within twice the ramp. */
    private static String connectNote(Map<String, String> held, int size, Settings s) {
        long connections = Long.parseLong(held.get("held")), errors = number(held, "connectErrors", 0);
        long ms = number(held, "ms", 0);
        boolean slow = ms > s.ramp().multipliedBy(2).toMillis();
        if (connections == size && errors == 0 && !slow) return null;
        return String.format(Locale.ROOT, "held %d of %d (%d connect errors) after %.1f s, the ramp being %d s",
                connections, size, errors, ms / 1000.0, s.ramp().toSeconds());
    }

    private static Predicate<String> event(String name) {
        return line -> name.equals(FlatJson.parse(line).get("event"));
    }

    /**
     * Why a line did not come: the child exited (its stdout ended, so it is exiting: it gets a second to say its
     * exit code), or it was still running at the end of the bound.
     */
    private static String when(Child child, Duration bound) {
        child.waitFor(Duration.ofSeconds(1));
        Integer code = child.exitCode();
        return code == null ? "within " + bound.toSeconds() + " s" : "(it exited with code " + code + ")";
    }

    private static Long number(Map<String, String> json, String name) {
        String v = json.get(name);
        return v == null ? null : Math.round(Double.parseDouble(v));
    }

    private static long number(Map<String, String> json, String name, long otherwise) {
        Long v = number(json, name);
        return v == null ? otherwise : v;
    }

    private static Double real(Map<String, String> json, String name) {
        String v = json.get(name);
        return v == null ? null : Double.valueOf(v);
    }

    private static Integer max(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Math.max(a, b);
    }

    private static Long difference(Long after, Long before) {
        return after == null || before == null ? null : after - before;
    }

    /**
     * Other work's processors' worth while the load ran: the busy time of the processors this driver may run on
     * (the server and the generator inherit them) less the driver's (this JVM's), the server's and the generator's
     * CPU time ({@code serverMicros}, {@code generatorMicros}); null if any is unknown.
     */
    static Double otherWork(CpuUse machine, Long serverMicros, Long generatorMicros) {
        if (Double.isNaN(machine.others()) || serverMicros == null || generatorMicros == null) return null;
        double theRun = (serverMicros + generatorMicros) / 1e6 / machine.seconds();
        return Math.max(0, machine.others() - theRun);
    }

    private static Double perRequest(Long cpuMicros, Long requests) {
        return cpuMicros == null || requests == null || requests == 0 ? null : cpuMicros / (double) requests;
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + "; " + b;
    }
}
