package conclab.c10k;

import conclab.chart.Chart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The results of a run of the C10K benchmark, as its driver writes them in JSON: a {@code machine} object
 * (cores, kernel, JDK, date, the limits read from the machine), a {@code bench} object (how it ran: seconds of
 * load, flags), and {@code runs}, one flat object per server, size (connections asked for) and client, with the
 * measurements as numbers.
 *
 * <p>This class reads them, picks rows and values, and draws them: a chart with one line per server
 * against the number of connections, a table. It names only the three keys that identify a row
 * ({@link #SERVER}, {@link #SIZE}, {@link #CLIENT}); the measurements are asked for by their keys in
 * the file. A missing or null value reads as {@code NaN} and is left out of charts. Immutable.
 */
public final class Results {
    /** The key of a row's server kind ({@code "loop"}, {@code "virtual"}, ...). */
    public static final String SERVER = "server";
    /** The key of a row's size: the number of connections asked for. */
    public static final String SIZE = "size";
    /** The key of a row's client ({@code "ours"} or {@code "wrk"}). */
    public static final String CLIENT = "client";

    private final Map<String, Object> machine, bench;
    private final List<Map<String, Object>> runs;

    private Results(Map<String, Object> machine, Map<String, Object> bench, List<Map<String, Object>> runs) {
        this.machine = machine;
        this.bench = bench;
        this.runs = runs;
    }

    /** The results in {@code file}. */
    public static Results read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** The results that {@code json} holds; throws {@link IllegalArgumentException} if it has no machine or runs. */
    @SuppressWarnings("unchecked")
    public static Results parse(String json) {
        Map<String, Object> top = Json.parseObject(json);
        if (!(top.get("machine") instanceof Map<?, ?> machine)) throw new IllegalArgumentException("no \"machine\" object");
        if (!(top.get("runs") instanceof List<?> runs)) throw new IllegalArgumentException("no \"runs\" array");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Object row : runs) {
            if (!(row instanceof Map<?, ?> r)) throw new IllegalArgumentException("a run is not an object: " + row);
            rows.add((Map<String, Object>) r);
        }
        Map<String, Object> bench = top.get("bench") instanceof Map<?, ?> b ? (Map<String, Object>) b : Map.of();
        return new Results((Map<String, Object>) machine, bench, List.copyOf(rows));
    }

    /** These results and {@code more}'s runs, on this one's machine: two runs of one session, shown together. */
    public Results and(Results more) {
        List<Map<String, Object>> all = new ArrayList<>(runs);
        all.addAll(more.runs);
        return new Results(machine, bench, List.copyOf(all));
    }

    /** The machine the results were measured on, as the driver described it. */
    public Map<String, Object> machine() {
        return machine;
    }

    /** How the benchmark ran (seconds of load, flags, elapsed time); empty if the file does not say. */
    public Map<String, Object> bench() {
        return bench;
    }

    /** Every row, in the file's order. */
    public List<Map<String, Object>> runs() {
        return runs;
    }

    /** The rows measured with {@code client}. */
    public List<Map<String, Object>> runs(String client) {
        return runs.stream().filter(r -> client.equals(r.get(CLIENT))).toList();
    }

    /** The row of {@code server} at {@code size} connections with {@code client}, if it was measured. */
    public Optional<Map<String, Object>> run(String server, long size, String client) {
        return runs(client).stream()
                .filter(r -> server.equals(r.get(SERVER)) && number(r, SIZE) == size).findFirst();
    }

    /** The value of {@code key} for server, size and client; NaN if it was not measured. */
    public double value(String server, long size, String client, String key) {
        return run(server, size, client).map(r -> number(r, key)).orElse(Double.NaN);
    }

    /**
     * Why the row of {@code server} at {@code size} with {@code client} cannot be compared with the others' rows,
     * or null if it can: not measured; some connections starved (our generator's row of the same server and size
     * answered fewer connections than {@code size}: the others got no answer, and wrk does not count them); or, for
     * a wrk row, Little's law contradicts it (requests per second times p99 in seconds below a tenth of the
     * connections: most connections were not answered at that rate, so its latencies are those of a few).
     */
    public String notComparable(String server, long size, String client) {
        Optional<Map<String, Object>> row = run(server, size, client);
        if (row.isEmpty()) return "not measured";
        double answered = value(server, size, "ours", "answeredConnections");
        if (answered < size) return String.format(Locale.ROOT, "%,.0f of %,d connections answered by our generator: the others starved", answered, size);
        double rps = number(row.get(), "rps"), p99 = number(row.get(), "p99us");
        if (client.equals("wrk") && rps * p99 / 1e6 < 0.1 * size)
            return String.format(Locale.ROOT, "%,.0f req/s means %,.1f s per request on average for %,d connections (Little's law), yet p99 is %,.0f ms:"
                    + " most connections got no answer", rps, size / rps, size, p99 / 1e3);
        return null;
    }

    /**
     * Whether other work may have competed with the load of the row of {@code server} at {@code size} with {@code client}:
     * it took a tenth or more of the processors it was measured on ({@code otherCpu} against {@code cpusMeasured} of
     * the machine, in processors' worth; the threshold is ours). Null where that was not measured (not on Linux, a {@code wrk} row, a row that failed, a
     * file written before the driver measured it) or the processors measured are not recorded.
     */
    public Boolean competed(String server, long size, String client) {
        double others = value(server, size, client, "otherCpu"), cpus = number(machine, "cpusMeasured");
        return Double.isNaN(others) || Double.isNaN(cpus) ? null : others >= 0.1 * cpus;
    }

    /** The servers measured with {@code client}, in the file's order. */
    public List<String> servers(String client) {
        return runs(client).stream().map(r -> String.valueOf(r.get(SERVER))).distinct().toList();
    }

    /** The sizes measured with {@code client}, smallest first. */
    public List<Long> sizes(String client) {
        return runs(client).stream().map(r -> (long) number(r, SIZE)).distinct().sorted().toList();
    }

    /** The value of {@code key} in {@code row} as a number; NaN if it is missing, null or not a number. */
    public static double number(Map<String, Object> row, String key) {
        return row.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * A chart of {@code key} (times {@code scale}) against the number of connections, one line per server
     * measured with {@code client}; points with no value are left out, and so are servers with none.
     */
    public Chart chart(String client, String key, double scale, String title, String yLabel) {
        return chart(client, row -> number(row, key) * scale, title, yLabel);
    }

    /**
     * A chart of {@code value} of each row against the number of connections, one line per server measured
     * with {@code client}; NaN values are left out, and so are servers with none.
     */
    public Chart chart(String client, ToDoubleFunction<Map<String, Object>> value, String title, String yLabel) {
        Chart chart = Chart.line(title, "connections", yLabel);
        for (String server : servers(client)) {
            List<Long> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (long n : sizes(client)) {
                double v = run(server, n, client).map(value::applyAsDouble).orElse(Double.NaN);
                if (Double.isNaN(v)) continue;
                xs.add(n);
                ys.add(v);
            }
            if (!xs.isEmpty()) chart.series(server, xs, ys);
        }
        return chart;
    }

    /**
     * A text table of the rows measured with {@code client}: server, size, then one column per key
     * (a missing value shows as "-").
     */
    public String table(String client, String... keys) {
        List<String[]> lines = new ArrayList<>();
        String[] head = new String[keys.length + 2];
        head[0] = SERVER;
        head[1] = SIZE;
        System.arraycopy(keys, 0, head, 2, keys.length);
        lines.add(head);
        for (Map<String, Object> r : runs(client)) {
            String[] line = new String[keys.length + 2];
            line[0] = String.valueOf(r.get(SERVER));
            line[1] = format(number(r, SIZE));
            for (int i = 0; i < keys.length; i++) line[i + 2] = format(number(r, keys[i]));
            lines.add(line);
        }
        int[] width = new int[head.length];
        for (String[] line : lines) for (int i = 0; i < line.length; i++) width[i] = Math.max(width[i], line[i].length());
        StringBuilder b = new StringBuilder();
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                b.append(i == 0 ? cell + " ".repeat(width[i] - cell.length()) : "  " + " ".repeat(width[i] - cell.length()) + cell);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A number for a table: "-" if NaN, an integer with thousands separators, or three significant digits. */
    static String format(double v) {
        if (Double.isNaN(v)) return "-";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : "%.3g", v);
    }

    @Override
    public String toString() {
        return runs.size() + " runs measured on " + machine;
    }
}
