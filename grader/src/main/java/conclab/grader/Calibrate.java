package conclab.grader;

import conclab.grader.Outcome.Status;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Calibration: a property is graded only if it passes the reference solution every time and catches the
 * known-wrong versions it is meant to catch every time. The reference is the solution cell in the course
 * notebooks; wrong versions are {@code grader/calibration/EXERCISE/NAME.java}, each a solution cell's code
 * whose first line says which properties it must fail: {@code // fails: no-lost-updates, ...}. A first line
 * {@code // fails:} naming none marks another correct solution, which must pass everything, as the reference.
 *
 * <p>Each version is checked {@code repeat} times with all tests, in the order a grading runs them; a wrong version's
 * check stops once every property it must fail has failed (a later test could not change those: see {@link
 * Checker#check(Exercise, String, int, Scope, WarmCompiler, java.util.Set)}); a kill, exit or abort that its later tests
 * would have caused is not seen, and no longer counts as a miss. The report is a table of how often each expectation
 * held and how long the checks took (a wrong version's, until it was caught). With warm compilers ({@link
 * #Calibrate(Checker, boolean)}), it compiles as {@code ./conclab grade} does: in a compiler JVM kept from one check to
 * the next ({@link WarmCompiler}), one per check running at once; the outcomes are those of a compiler JVM per check.
 *
 * <p>Thread-safe: {@link #tally} may run in several threads at once; {@link #idle} and {@link #made} are concurrent
 * collections, and a compiler is used by one thread at a time (taken from {@code idle}, put back after its check).
 */
final class Calibrate implements AutoCloseable {
    /** A version of a solution and the properties it must fail (none for the reference and other correct ones). */
    record Version(String exercise, String name, String source, int firstLine, List<String> mustFail) {}

    /** One version's record over the runs. */
    record Tally(Version version, int runs, int held, long totalMillis, long maxMillis, String lastMiss) {}

    private final Checker checker;
    /** Whether checks compile in warm compilers. */
    private final boolean warm;
    /** Warm compilers no check is using now. */
    private final java.util.concurrent.BlockingQueue<WarmCompiler> idle = new java.util.concurrent.LinkedBlockingQueue<>();
    /** Every warm compiler made, for {@link #close}: as many as checks ran at once. */
    private final java.util.Queue<WarmCompiler> made = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** A calibration whose checks each compile in a JVM of their own, as a notebook's check does. */
    Calibrate(Checker checker) {
        this(checker, false);
    }

    /** A calibration whose checks compile in warm compilers when {@code warm}, as a grading's do. */
    Calibrate(Checker checker, boolean warm) {
        this.checker = checker;
        this.warm = warm;
    }

    /** Ends the warm compilers' JVMs. */
    @Override
    public void close() {
        made.forEach(WarmCompiler::close);
    }

    /** The reference solutions in the course notebooks, by exercise. */
    static Map<String, Version> references(Path course) throws IOException {
        Map<String, Version> refs = new LinkedHashMap<>();
        for (Path file : Release.notebooks(course)) {
            NotebookFile nb;
            try {
                nb = NotebookFile.read(file);
            } catch (NotebookFile.Unreadable e) {
                throw new IOException(e.getMessage());
            }
            for (NotebookFile.Cell c : nb.cells()) {
                if (c.role() == NotebookFile.Role.SOLUTION) {
                    refs.put(c.exercise(), new Version(c.exercise(), "reference", c.body(), NotebookFile.Cell.BODY_LINE, List.of()));
                }
            }
        }
        return refs;
    }

    /** The wrong versions of {@code exercise} under {@code calibration}. */
    static List<Version> wrong(Path calibration, String exercise) throws IOException {
        Path dir = calibration.resolve(exercise);
        if (!Files.isDirectory(dir)) return List.of();
        List<Version> list = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String src = Files.readString(f, StandardCharsets.UTF_8);
                String first = src.lines().findFirst().orElse("");
                if (!first.startsWith("// fails:")) {
                    throw new IOException(f + ": the first line must be // fails: PROPERTY, ...");
                }
                List<String> props = Arrays.stream(first.substring("// fails:".length()).split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                String name = f.getFileName().toString().replaceFirst("\\.java$", "");
                list.add(new Version(exercise, name, src, 1, props));
            }
        }
        return list;
    }

    /** Whether one outcome meets the version's expectation; null if it does, else what went wrong. */
    static String miss(Version v, Outcome o) {
        if (v.mustFail().isEmpty()) {
            List<String> failed = o.results().stream().filter(r -> r.status() != Status.PASSED)
                    .map(r -> r.prop().id() + " (" + r.status() + (r.evidence().isEmpty() ? "" : ": " + r.evidence()) + ")").toList();
            return failed.isEmpty() && o.verdict() == null ? null
                    : "the " + (v.name().equals("reference") ? "reference" : "correct version") + " did not pass " + String.join(", ", failed) + (o.verdict() == null ? "" : " — " + o.verdict());
        }
        if (o.verdict() != null) return "the run failed as a whole, so no property was really tested: " + o.verdict();
        List<String> missed = new ArrayList<>();
        for (String id : v.mustFail()) {
            var r = o.results().stream().filter(x -> x.prop().id().equals(id)).findFirst();
            if (r.isEmpty()) missed.add(id + " (no such property)");
            else if (r.get().status() != Status.FAILED) missed.add(id + " (" + r.get().status() + ")");
        }
        return missed.isEmpty() ? null : "not caught: " + String.join(", ", missed);
    }

    /** Checks every version {@code repeat} times and prints the table to {@code out}; true if all held. */
    boolean run(List<Version> versions, int repeat, PrintStream out) {
        return run(versions, repeat, 1, out);
    }

    /**
     * As {@link #run(List, int, PrintStream)}, checking {@code jobs} versions at a time (each version's
     * repeats one after the other). Rows come in the order of {@code versions}, each as soon as it and
     * those before it are done. More than one job suits exercises whose checks mostly wait (latches,
     * bounded waits); stress properties are timed runs, so they hold on a shared machine, but take the
     * cores from each other.
     */
    boolean run(List<Version> versions, int repeat, int jobs, PrintStream out) {
        List<Tally> tallies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs))) {
            List<Future<Tally>> futures = new ArrayList<>();
            for (Version v : versions) futures.add(pool.submit(() -> tally(v, repeat)));
            for (Future<Tally> f : futures) {
                Tally t;
                try {
                    t = f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("calibration interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("calibration failed: " + e.getCause(), e.getCause());
                }
                tallies.add(t);
                out.println(row(t));
                out.flush();
            }
        }
        Map<String, Long> perExercise = new LinkedHashMap<>();
        for (Tally t : tallies) perExercise.merge(t.version().exercise(), t.totalMillis() / t.runs(), Long::sum);
        out.println();
        perExercise.forEach((ex, ms) -> out.printf("%-18s one calibration (every version once): %.1f s%n", ex, ms / 1000.0));
        return tallies.stream().allMatch(t -> t.held() == t.runs());
    }

    /** Checks one version {@code repeat} times. */
    Tally tally(Version v, int repeat) {
        Exercise ex = Catalog.get().find(v.exercise());
        int held = 0;
        long total = 0, max = 0;
        String lastMiss = null;
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            Outcome o = check(ex, v);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            total += ms;
            max = Math.max(max, ms);
            String miss = miss(v, o);
            if (miss == null) held++;
            else lastMiss = miss;
        }
        return new Tally(v, repeat, held, total, max, lastMiss);
    }

    /** One check of {@code v}, in an idle warm compiler (or a new one) when {@link #warm}. */
    private Outcome check(Exercise ex, Version v) {
        // a wrong version's outcome is the properties it must fail: once they all have, the rest of its tests can go
        Set<String> enough = new HashSet<>(v.mustFail());
        if (!warm) return checker.check(ex, v.source(), v.firstLine(), Scope.ALL, null, enough);
        WarmCompiler compiler = idle.poll();
        if (compiler == null) {
            compiler = checker.warmCompiler();
            made.add(compiler);
        }
        try {
            return checker.check(ex, v.source(), v.firstLine(), Scope.ALL, compiler, enough);
        } finally {
            idle.add(compiler);
        }
    }

    static String header() {
        return String.format("%-18s %-22s %-40s %8s %9s %9s", "exercise", "version", "must fail", "held", "mean s", "max s");
    }

    /** The table's row of {@code t}, with what the last miss was, if any. */
    static String row(Tally t) {
        String fails = t.version().mustFail().isEmpty() ? "(passes everything)" : String.join(", ", t.version().mustFail());
        String s = String.format("%-18s %-22s %-40s %4d/%-3d %9.1f %9.1f", t.version().exercise(), t.version().name(), fails,
                t.held(), t.runs(), t.totalMillis() / 1000.0 / t.runs(), t.maxMillis() / 1000.0);
        return t.lastMiss() == null ? s : s + "\n    MISSED: " + t.lastMiss().lines().findFirst().orElse("");
    }
}
