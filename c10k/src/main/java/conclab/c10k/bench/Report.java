package conclab.c10k.bench;

import static java.util.stream.Collectors.joining;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results for people and for the notebook: a table per size, the targets each
 * {@code met} or {@code MISSED} with its measured figure, and the JSON file. It only formats: every figure
 * comes from the {@link Run}s, and a figure that was not measured shows as {@code -} (JSON: null), a target
 * whose runs are absent as {@code n/a}.
 */
final class Report {
    private Report() {}

    /** A target of issue 11: what it asks, what was measured, and whether that meets it (null: not measured). */
    record Target(String what, String measured, Boolean met) {
        String line() {
            return f("%-7s %s: %s", met == null ? "n/a" : met ? "met" : "MISSED", what, measured);
        }
    }

    /** The connections at which the 10,000-connection targets are checked. */
    static final int C10K = 10_000;

    /** What the tables' columns mean, printed once under them. */
    static final String FOOTNOTES = """
            * wrk's latencies are closed loop: each connection sends its next request when the previous answer came,
              timed from that send. Ours here (rate 0) are closed loop too; at a set rate (--rate) ours are timed from
              when each request was meant to be sent. wrk counts a timeout only for an answer that came after its
              timeout: a connection never answered (the pool's queue) shows in none of wrk's columns.
            Memory per idle connection: heap used after a GC plus native memory (NMT's committed, less the heap and
              the JIT's arena chunks), with the N connections held less without them (after the warm-up), divided by N.
            Threads: the server's, the most seen with the connections held and half-way through our load.
            CPU per request: the server's user plus system time over the load, per completed request. One loop per
              core cannot show its scaling in req/s while client and server share the cores: compare this column.
            """;

    /** The table of one size: one line per server, our generator's figures and wrk's side by side, then notes. */
    static String table(List<Run> runs, int size) {
        StringBuilder out = new StringBuilder(f("%,d connections%n%n", size));
        out.append("| server | req/s ours | req/s wrk | p50 ms | p99 ms | p99.9 ms | wrk p50 ms* | wrk p99 ms* "
                + "| errors ours/wrk | timeouts ours/wrk | held | answered | CPU µs/req ours/wrk | threads "
                + "| heap B/conn | native B/conn | total B/conn |\n");
        out.append("|---|" + "---:|".repeat(16) + "\n");
        List<String> notes = new ArrayList<>();
        for (String server : servers(runs, size)) {
            Run o = find(runs, server, size, "ours"), w = find(runs, server, size, "wrk");
            out.append(f("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    server, rps(o), rps(w), ms(o, Run::p50us), ms(o, Run::p99us), ms(o, Run::p999us),
                    ms(w, Run::p50us), ms(w, Run::p99us),
                    pair(get(o, Run::errors), get(w, Run::errors)), pair(get(o, Run::timeouts), get(w, Run::timeouts)),
                    count(get(o, Run::held)), count(get(o, Run::answeredConnections)),
                    pair(decimal(get(o, Run::cpuUsPerRequest)), decimal(get(w, Run::cpuUsPerRequest))),
                    count(o != null && o.threads() != null ? o.threads() : get(w, Run::threads)),
                    count(get(o, Run::heapPerConnBytes)), count(get(o, Run::nativePerConnBytes)),
                    count(o == null ? null : o.totalPerConnBytes())));
            for (Run r : new Run[] {o, w})
                if (r != null && r.note() != null) notes.add(f("- %s, %s: %s", server, r.client(), r.note()));
        }
        if (!notes.isEmpty()) out.append("\n").append(String.join("\n", notes)).append("\n");
        return out.toString();
    }

    /** The targets, as measured in {@code runs}. */
    static List<Target> targets(List<Run> runs) {
        List<Target> targets = new ArrayList<>();
        targets.add(faster(runs, "loop", "bare", 1_000, 0.95));
        targets.add(faster(runs, "loop", "bare", C10K, 0.95));
        targets.add(faster(runs, "loop", "netty-epoll-1", C10K, 1.0));
        for (int size : sizes(runs)) {
            targets.add(memory(runs, "loop", size, 1024));
            targets.add(memory(runs, "virtual", size, 5 * 1024));
        }
        for (String server : List.of("loop", "virtual", "netty-nio-1", "netty-nio-2", "netty-epoll-1", "netty-epoll-2"))
            targets.add(holds(runs, server, C10K));
        return targets;
    }

    /** The targets' section: which client the ratios use, then one line per target. */
    static String targetsText(List<Run> runs) {
        return "Targets (issue 11). Requests/s ratios use wrk's req/s (the external client), ours beside;"
                + " the 10,000-connection checks use ours (held, errors, timeouts, p99).\n"
                + targets(runs).stream().map(t -> "  " + t.line()).collect(joining("\n")) + "\n";
    }

    /** The result file: {@code {"machine":{..},"bench":{..},"runs":[{..},..]}}, one flat object per line. */
    static String json(Machine machine, Map<String, ?> bench, List<Run> runs) {
        return "{\"machine\":" + FlatJson.write(machine.fields()) + ",\n\"bench\":" + FlatJson.write(bench)
                + ",\n\"runs\":[\n" + runs.stream().map(r -> FlatJson.write(r.fields())).collect(joining(",\n")) + "\n]}\n";
    }

    /** {@code a} ≥ {@code factor} × {@code b} in req/s at {@code size}: wrk's ratio decides, ours is shown beside. */
    private static Target faster(List<Run> runs, String a, String b, int size, double factor) {
        String what = f("%s ≥ %.2f× %s at %,d connections", a, factor, b, size);
        Double withWrk = ratio(find(runs, a, size, "wrk"), find(runs, b, size, "wrk"));
        Double withOurs = ratio(find(runs, a, size, "ours"), find(runs, b, size, "ours"));
        if (withWrk == null && withOurs == null) return new Target(what, "not measured in this run", null);
        String ours = withOurs == null ? "-" : f("%.2f×", withOurs);
        if (withWrk == null) return new Target(what, f("%s with ours (wrk did not run)", ours), withOurs >= factor);
        return new Target(what, f("%.2f× with wrk (%s vs %s req/s); ours %s", withWrk,
                rps(find(runs, a, size, "wrk")), rps(find(runs, b, size, "wrk")), ours), withWrk >= factor);
    }

    /** Memory per idle connection of {@code server} at {@code size}, heap plus native, at most {@code bytes}. */
    private static Target memory(List<Run> runs, String server, int size, long bytes) {
        String what = f("memory per idle connection, %s ≤ %s at %,d connections", server, kb(bytes), size);
        Run o = find(runs, server, size, "ours");
        if (o == null || o.totalPerConnBytes() == null) return new Target(what, "not measured in this run", null);
        return new Target(what, f("%,d B (heap %,d B + native %,d B)",
                o.totalPerConnBytes(), o.heapPerConnBytes(), o.nativePerConnBytes()), o.totalPerConnBytes() <= bytes);
    }

    /** At {@code size}, {@code server} holds every connection with no error and no timeout, p99 under 0.3 s. */
    private static Target holds(List<Run> runs, String server, int size) {
        String what = f("%s at %,d: holds all, 0 errors, p99 < 0.3 s", server, size);
        Run o = find(runs, server, size, "ours"), w = find(runs, server, size, "wrk");
        if (o == null || o.held() == null || o.errors() == null || o.timeouts() == null || o.p99us() == null)
            return new Target(what, o == null ? "not measured in this run" : "no result: " + o.note(), o == null ? null : false);
        boolean met = o.held() == size && o.errors() == 0 && o.timeouts() == 0 && o.p99us() < 300_000;
        return new Target(what, f("held %,d, %,d errors, %,d timeouts, p99 %s ms (wrk: %s errors, p99 %s ms, closed loop)",
                o.held(), o.errors(), o.timeouts(), ms(o, Run::p99us), count(get(w, Run::errors)), ms(w, Run::p99us)), met);
    }

    /** The servers that ran at {@code size}, in the order of {@link Launch#SERVERS} (others after them). */
    private static List<String> servers(List<Run> runs, int size) {
        return runs.stream().filter(r -> r.size() == size).map(Run::server).distinct()
                .sorted(java.util.Comparator.comparingInt(s -> Launch.SERVERS.contains(s) ? Launch.SERVERS.indexOf(s) : 99))
                .toList();
    }

    static List<Integer> sizes(List<Run> runs) {
        return runs.stream().map(Run::size).distinct().sorted().toList();
    }

    private static Run find(List<Run> runs, String server, int size, String client) {
        return runs.stream().filter(r -> r.server().equals(server) && r.size() == size && r.client().equals(client))
                .findFirst().orElse(null);
    }

    private static Double ratio(Run a, Run b) {
        return a == null || b == null || a.rps() == null || b.rps() == null || b.rps() == 0 ? null : a.rps() / b.rps();
    }

    private static <T> T get(Run r, java.util.function.Function<Run, T> field) {
        return r == null ? null : field.apply(r);
    }

    private static String rps(Run r) {
        return r == null || r.rps() == null ? "-" : String.format(Locale.ROOT, "%,.0f", r.rps());
    }

    private static String ms(Run r, java.util.function.Function<Run, Long> micros) {
        Long us = get(r, micros);
        return us == null ? "-" : String.format(Locale.ROOT, us < 10_000 ? "%.2f" : "%.0f", us / 1000.0);
    }

    private static String count(Number n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%,d", n.longValue());
    }

    private static String decimal(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1f", d);
    }

    private static String pair(Object ours, Object wrk) {
        return (ours == null ? "-" : ours) + " / " + (wrk == null ? "-" : wrk);
    }

    /** {@link String#format} in the root locale: the same digits and separators on every machine. */
    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static String kb(long bytes) {
        return bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " B";
    }
}
