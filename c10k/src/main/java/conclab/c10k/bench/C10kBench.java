package conclab.c10k.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The C10K benchmark (issue 11): every server at 1,000 and 10,000 connections, under our load generator and
 * under {@code wrk}, one run each, then a table per size, the issue's targets and a JSON file.
 *
 * <pre>
 *   ./conclab bench c10k [--quick]
 *   java -cp c10k/target/dist/conclab-c10k.jar:c10k/target/dist/lib/* conclab.c10k.bench.C10kBench
 *        [--quick] [--servers a,b] [--sizes 1000,10000] [--clients ours,wrk] [--seconds D] [--json FILE] [--dist DIR]
 * </pre>
 *
 * <p>Per server and size one server JVM is started, measured under our generator, then under wrk (see
 * {@link Trial}); the servers take their turns one size after the other. {@code --quick} runs 1,000
 * connections only. The full matrix, 10 servers by 2 sizes, with 5 s of load per client, takes about 10
 * minutes here; the elapsed time is printed at the end. Every process it starts is ended before it exits,
 * also on Ctrl-C ({@link Child}). Bad arguments get a one-line message and exit code 2.
 */
public final class C10kBench {
    private C10kBench() {}

    /** The whole run's budget (issue 11): the elapsed time is compared with it at the end. */
    static final Duration BUDGET = Duration.ofMinutes(15);

    /** What to run, from the command line. */
    record Options(List<String> servers, List<Integer> sizes, boolean ours, boolean wrk, int seconds, Path json,
                   Path dist) {}

    public static void main(String[] args) throws IOException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println("usage: " + USAGE + "\n" + HELP);
            return;
        }
        Options o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("c10k: " + e.getMessage());
            System.exit(2);
            return;
        }
        Launch launch;
        try {
            launch = Launch.fromDist(o.dist());
        } catch (IllegalArgumentException e) {
            System.err.println("c10k: " + e.getMessage() + ": build first (./mvnw -q -B package -DskipTests) or pass --dist DIR");
            System.exit(2);
            return;
        }
        boolean wrk = o.wrk() && Wrk.installed();
        if (o.wrk() && !wrk)
            System.out.println("wrk is not installed (Debian: apt-get install wrk): its runs are skipped, the ratios use ours");
        run(launch, o, Trial.Settings.of(o.seconds(), o.ours(), wrk));
    }

    /**
     * Descriptors a server or client JVM keeps for its own files (jars, pipes, its listening socket) beside its
     * connections: 128, plus 3 per core for what grows with the cores (a Selector per core in the loops server, 2
     * descriptors each on Linux and 3 on macOS; the virtual-thread poller's descriptors).
     */
    static int ownDescriptors(int cores) {
        return 128 + 3 * cores;
    }

    /**
     * {@code n} connections, or as many as a JVM with {@code openFiles} descriptors can hold beside its own
     * ({@link #ownDescriptors}) on {@code cores} cores. The servers and clients inherit the driver's limit; a JVM
     * raises its soft limit toward the hard one as it starts (HotSpot's MaxFDLimit, on by default), so sizes shrink
     * only where the hard limit is low or a JVM runs with -XX:-MaxFDLimit.
     */
    static int fit(int n, Long openFiles, int cores) {
        return openFiles == null ? n : (int) Math.max(1, Math.min(n, openFiles - ownDescriptors(cores)));
    }

    /** Runs the matrix and prints and writes the results. */
    static List<Run> run(Launch launch, Options o, Trial.Settings settings) throws IOException {
        long start = System.nanoTime();
        Machine machine = Machine.read();
        System.out.println("C10K: " + machine.summary());
        List<Integer> sizes = o.sizes().stream().map(n -> fit(n, machine.openFiles(), machine.cores())).distinct().toList();
        if (!sizes.equals(o.sizes()))
            System.out.printf(Locale.ROOT, "sizes %s scaled down to %s: each JVM may hold %d descriptors (its soft limit, which a JVM raises"
                    + " to the hard one as it starts), and keeps %d for its own files; to measure more, raise the hard limit"
                    + " (as root: limits.conf, systemd's LimitNOFILE, docker run --ulimit nofile=...)%n",
                    o.sizes(), sizes, machine.openFiles(), ownDescriptors(machine.cores()));
        System.out.printf(Locale.ROOT, "servers %s at %s connections; clients:%s%s; after a %d s warm-up, %d s of load each,"
                        + " requests timing out after %d s; server JVMs %s; one run each%n%n",
                String.join(", ", o.servers()), sizes, settings.ours() ? " ours (rate 0)" : "",
                settings.wrk() ? " wrk -t2" : "", settings.warmUp().toSeconds(), settings.load().toSeconds(),
                settings.requestTimeout().toSeconds(), String.join(" ", Launch.SERVER_FLAGS));
        List<Run> runs = new ArrayList<>();
        int trial = 0, trials = o.servers().size() * sizes.size();
        for (int size : sizes) {
            for (String server : o.servers()) {
                long t = System.nanoTime();
                List<Run> these = Trial.run(launch, settings, server, size);
                runs.addAll(these);
                System.out.printf(Locale.ROOT, "[%2d/%d] %-13s at %,6d: %s (%d s)%n", ++trial, trials, server, size, progress(these),
                        Duration.ofNanos(System.nanoTime() - t).toSeconds());
            }
        }
        System.out.println();
        for (int size : sizes) System.out.println(Report.table(runs, size));
        System.out.println(Report.FOOTNOTES);
        System.out.println(Report.targetsText(runs));

        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Map<String, Object> bench = new LinkedHashMap<>();
        bench.put("seconds", settings.load().toSeconds());
        bench.put("warmUpSeconds", settings.warmUp().toSeconds());
        bench.put("rampSeconds", settings.ramp().toSeconds());
        bench.put("timeoutMs", settings.requestTimeout().toMillis());
        bench.put("serverFlags", String.join(" ", Launch.SERVER_FLAGS));
        bench.put("wrk", settings.wrk() ? "wrk -t2 -cN -d%ds --timeout %ds --latency"
                .formatted(settings.load().toSeconds(), settings.requestTimeout().toSeconds()) : null);
        bench.put("elapsedSeconds", elapsed.toSeconds());
        Path parent = o.json().toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(o.json(), Report.json(machine, bench, runs));
        System.out.println("results: " + o.json());
        System.out.printf(Locale.ROOT, "elapsed: %d min %02d s (budget %d min)%s%n", elapsed.toMinutes(), elapsed.toSecondsPart(),
                BUDGET.toMinutes(), elapsed.compareTo(BUDGET) > 0 ? ": OVER BUDGET" : "");
        return runs;
    }

    /** The command line, checked: throws {@link IllegalArgumentException} with a message that says what to do. */
    static Options options(String... args) {
        List<String> servers = Launch.SERVERS, clients = List.of("ours", "wrk");
        List<Integer> sizes = List.of(1_000, 10_000);
        int seconds = 5;
        boolean quick = false;
        Path json = null, dist = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--servers" -> servers = list(value(args, ++i, arg));
                case "--sizes" -> sizes = list(value(args, ++i, arg)).stream().map(s -> positive(s, arg)).toList();
                case "--clients" -> clients = list(value(args, ++i, arg));
                case "--seconds" -> seconds = positive(value(args, ++i, arg), arg);
                case "--json" -> json = Path.of(value(args, ++i, arg));
                case "--dist" -> dist = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'; usage: " + USAGE);
            }
        }
        for (String s : servers)
            if (!Launch.known(s))
                throw new IllegalArgumentException("unknown server '" + s + "'; the servers are: " + String.join(",", Launch.SERVERS));
        for (String c : clients)
            if (!List.of("ours", "wrk").contains(c))
                throw new IllegalArgumentException("unknown client '" + c + "'; the clients are: ours,wrk");
        if (quick) sizes = List.of(1_000);
        if (json == null)
            json = Path.of("bench", "results", "c10k-" + LocalDate.now() + (quick ? "-quick" : "") + ".json");
        return new Options(servers, sizes, clients.contains("ours"), clients.contains("wrk"), seconds, json,
                dist != null ? dist : defaultDist());
    }

    static final String USAGE = "C10kBench [--quick] [--servers a,b] [--sizes 1000,10000] [--clients ours,wrk]"
            + " [--seconds D] [--json FILE] [--dist DIR]";

    static final String HELP = """
              --quick           1000 connections only
              --servers a,b     of: %s (default: all)
              --sizes n,m       connections (default: 1000,10000)
              --clients a,b     ours (the load generator, rate 0, and the memory measurement), wrk (default: both)
              --seconds D       each client's load, in seconds (default: 5)
              --json FILE       the results (default: bench/results/c10k-DATE.json, -quick.json with --quick)
              --dist DIR        the folder of conclab-c10k.jar and lib/ (default: where this class was loaded from)
            """.formatted(String.join(",", Launch.SERVERS));

    /**
     * The dist folder this class runs from: the folder of {@code conclab-c10k.jar} when it runs from the jar,
     * {@code target/dist} beside {@code target/classes} when it runs from its class folder.
     */
    static Path defaultDist() {
        try {
            Path mine = Path.of(C10kBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(mine) ? mine.resolveSibling("dist") : mine.getParent();
        } catch (URISyntaxException | NullPointerException e) {
            return Path.of("c10k", "target", "dist");
        }
    }

    /** One line per trial while the matrix runs: each client's req/s, or that it failed. */
    private static String progress(List<Run> runs) {
        return runs.stream().map(r -> r.client() + " " + (r.rps() == null ? "failed" : String.format(Locale.ROOT, "%,.0f req/s", r.rps()))
                + (r.held() != null && r.held() < r.size() ? String.format(Locale.ROOT, " (held %,d)", r.held()) : ""))
                .reduce((a, b) -> a + ", " + b).orElse("nothing ran");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value; usage: " + USAGE);
        return args[i];
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(option + " takes a positive whole number, not '" + value + "'");
    }
}
