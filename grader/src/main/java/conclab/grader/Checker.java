package conclab.grader;

import conclab.grader.Outcome.Result;
import conclab.grader.Outcome.Status;
import conclab.grader.probe.Evidence;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checks a learner's solution of an exercise: compiles it with the exercise's tests in one JVM, runs the
 * tests in another, each under a {@link Sandbox} with the exercise's {@link Limits}, and reads what the
 * test JVM's {@code Runner} recorded into an {@link Outcome}. A quiz is checked here directly.
 *
 * <p>Nothing the learner's code does reaches the caller: not its output, not an exit, not a hang. Every
 * way a run can go wrong ends as an outcome with a verdict, never as an exception, except when the grader
 * itself is broken (no JDK, no test classpath).
 *
 * <p>Instances are immutable and may check from several threads at once.
 */
public final class Checker {
    private static final Limits COMPILER = new Limits(120, 120, 512, 200, 0, 1 << 20);
    /** The Java release solutions and tests compile for: the build's, from {@code jdk.properties}. */
    static final String RELEASE = release();
    private static final Pattern DIAGNOSTIC = Pattern.compile("^(?:src[/\\\\])?(\\w+)\\.java:(\\d+): (error|warning): (.*)$");

    private final Path javaHome;
    private final List<Path> classpath;
    /** Options added to every test JVM (for example {@code -XX:ActiveProcessorCount=1} in a calibration). */
    private final List<String> testJvmOptions;
    /** Classes already compiled from the same sources, or null: compile for every check. */
    private final CompiledCache compiled;
    /** The test JVMs' ahead-of-time cache, or null: test JVMs start without one. */
    private final RunnerAotCache aot;

    /**
     * @param javaHome  a JDK of {@link #RELEASE} (its {@code bin/java} and {@code bin/javac} are used)
     * @param classpath the grader jar and its libraries: what the tests compile and run against
     */
    public Checker(Path javaHome, List<Path> classpath) {
        this(javaHome, classpath, List.of(), null, null);
    }

    private Checker(Path javaHome, List<Path> classpath, List<String> testJvmOptions, CompiledCache compiled, RunnerAotCache aot) {
        this.javaHome = javaHome;
        this.classpath = List.copyOf(classpath);
        this.testJvmOptions = List.copyOf(testJvmOptions);
        this.compiled = compiled;
        this.aot = aot;
    }

    /** The classpath the tests compile and run against: what {@link GradedBy} digests. */
    List<Path> classpath() {
        return classpath;
    }

    /**
     * This checker, with test JVMs told they have {@code processors} processors ({@code -XX:ActiveProcessorCount}):
     * pool sizes, the common pool and the virtual threads' carriers follow that number, and a check must hold
     * whatever it is.
     */
    public Checker withProcessors(int processors) {
        List<String> options = new ArrayList<>(testJvmOptions);
        options.add("-XX:ActiveProcessorCount=" + processors);
        Checker told = new Checker(javaHome, classpath, options, compiled, null);
        // A cache is made by a JVM with the test JVMs' options: these test JVMs have another, and another cache.
        return aot == null ? told : told.withAotCacheIn(aot.folder());
    }

    /**
     * This checker, keeping the classes it compiles under {@code folder} and reusing them when the same sources
     * come again: a calibration checks each version many times. The caller deletes the folder.
     */
    public Checker withCompiledClassesIn(Path folder) {
        return new Checker(javaHome, classpath, testJvmOptions, new CompiledCache(folder), aot);
    }

    /**
     * This checker, starting test JVMs with the JDK's ahead-of-time cache of the classes they load, kept under
     * {@code folder} for this JDK, classpath and test JVM options ({@link RunnerAotCache}). The cache is made by
     * {@link RunnerAotCache#make()}, which the caller calls before checking; until it is made, and whenever it cannot be
     * used, test JVMs start as without it.
     */
    public Checker withAotCacheIn(Path folder) {
        return new Checker(javaHome, classpath, testJvmOptions, compiled, new RunnerAotCache(folder, javaHome, classpath, trainingOptions()));
    }

    /** The test JVMs' AOT cache, or null ({@link #withAotCacheIn}). */
    RunnerAotCache aotCache() {
        return aot;
    }

    /** A compiler kept warm for one student's checks ({@link #check(Exercise, String, int, Scope, WarmCompiler)}). */
    WarmCompiler warmCompiler() {
        return new WarmCompiler(javaHome, classpath, COMPILER);
    }

    /** A checker on this JVM's JDK and classpath (the grader's command line runs with the right one). */
    public static Checker here() {
        List<Path> cp = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (p.getFileName() != null && p.getFileName().toString().equals("*")) { // dir/* means its jars
                try (Stream<Path> jars = Files.list(p.getParent())) {
                    jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(cp::add);
                } catch (IOException e) {
                    // a folder that is not there adds nothing, as for java itself
                }
            } else {
                cp.add(p);
            }
        }
        return new Checker(Path.of(System.getProperty("java.home")), cp);
    }

    /**
     * Checks {@code source} (a solution cell's code, without its {@code %%solution} line) against the
     * properties of {@code exercise} in {@code scope}.
     *
     * @param firstLine the cell line {@code source} starts on, so that messages name the learner's lines
     */
    public Outcome check(Exercise exercise, String source, int firstLine, Scope scope) {
        return check(exercise, source, firstLine, scope, null);
    }

    /** What the messages call the checked code unless told otherwise: "line 9 of your solution cell". */
    public static final String SOLUTION_CELL = "your solution cell";

    /**
     * Checks as {@link #check(Exercise, String, int, Scope)} does, the messages naming the learner's lines as lines of
     * {@code code} ("this cell" for a {@code %%check} cell, which holds the code itself) instead of
     * {@value #SOLUTION_CELL}.
     */
    public Outcome check(Exercise exercise, String source, int firstLine, String code, Scope scope) {
        return run(exercise, source, firstLine, code, scope, null, Set.of());
    }

    /**
     * Checks as {@link #check(Exercise, String, int, Scope)} does, compiling with {@code warm} (one student's
     * compiler) when it is not null. The outcome is the same either way: where the warm compiler cannot compile,
     * the check compiles in a JVM of its own.
     */
    Outcome check(Exercise exercise, String source, int firstLine, Scope scope, WarmCompiler warm) {
        return check(exercise, source, firstLine, scope, warm, Set.of());
    }

    /**
     * Checks as {@link #check(Exercise, String, int, Scope, WarmCompiler)} does, but stops the tests as soon as every
     * property of {@code stopOnceFailed} has FAILED: a later test cannot change that (a property fails if any of its
     * tests fails), so those properties' statuses are the ones a whole run gives, sooner. What the later tests would
     * have done is not seen: a kill at a limit, an exit or an abort that a whole run would have ended with gives no
     * verdict here (a limit already passed when the properties had failed is still reported). The properties that had
     * not finished then (none of their tests done, or one still running) are NOT_RUN, and the stop itself gives no
     * verdict. For calibration only, where a wrong version is judged by the properties it must fail (an empty set
     * stops nothing): a grading runs every test.
     */
    Outcome check(Exercise exercise, String source, int firstLine, Scope scope, WarmCompiler warm, Set<String> stopOnceFailed) {
        return run(exercise, source, firstLine, SOLUTION_CELL, scope, warm, stopOnceFailed);
    }

    private Outcome run(Exercise exercise, String source, int firstLine, String code, Scope scope, WarmCompiler warm,
            Set<String> stopOnceFailed) {
        if (exercise.isQuiz()) return Quiz.check(exercise, source);
        Path work;
        try {
            work = Files.createTempDirectory("conclab-check-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for the check", e);
        }
        try {
            return check(exercise, source, firstLine, code, scope, work, warm, stopOnceFailed);
        } catch (IOException e) {
            return Outcome.whole(exercise, scope, Status.NOT_RUN, "The check could not run: " + e.getMessage(), "", "");
        } finally {
            delete(work);
        }
    }

    private Outcome check(Exercise ex, String source, int firstLine, String code, Scope scope, Path work, WarmCompiler warm,
            Set<String> stopOnceFailed) throws IOException {
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        Files.writeString(src.resolve(Evidence.SOLUTION_FILE), Sources.prepare(source), StandardCharsets.UTF_8);
        files.add("src/" + Evidence.SOLUTION_FILE);
        List<String> testClasses = new ArrayList<>();
        for (boolean hidden : scope == Scope.ALL ? List.of(false, true) : List.of(false)) {
            for (String file : ex.tests(hidden)) {
                Files.writeString(src.resolve(file), ex.testSource(hidden, file), StandardCharsets.UTF_8);
                files.add("src/" + file);
                testClasses.add(file.replaceFirst("\\.java$", ""));
            }
        }
        int offset = firstLine - 1;

        // Its messages in UTF-8, as the sandbox reads them, whatever the machine's locale (a POSIX one would print
        // a non-ASCII name in a diagnostic as '?'); the warm compiler's are too.
        List<String> javac = new ArrayList<>(List.of(tool("javac"), "-J-Xmx512m", "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC", "-J-Dstderr.encoding=UTF-8", "-J-Dstdout.encoding=UTF-8", "-encoding", "UTF-8", "--release", RELEASE, "-proc:none", "-implicit:none",
                "-nowarn", "-Xmaxerrs", "20", "-g", "-d", "classes", "-cp", path(classpath)));
        if (ex.preview()) javac.add("--enable-preview");
        javac.addAll(files);
        String key = compiled == null ? null : CompiledCache.key(javac, work);
        if (key == null || !compiled.restore(key, classes)) {
            Sandbox.Run javacRun = compile(javac, work, warm);
            if (javacRun.killed() != null) {
                return Outcome.whole(ex, scope, Status.NOT_RUN, "The compiler was stopped: " + javacRun.killed() + ".", "", "");
            }
            if (javacRun.exitCode() != 0) return compileErrors(ex, scope, javacRun.output(), offset);
            if (key != null) compiled.keep(key, classes);
        }

        Limits limits = ex.limits();
        Path results = work.resolve("results.txt");
        List<String> java = new ArrayList<>(List.of(tool("java"), "-Xmx" + limits.heapMegabytes() + "m"));
        java.addAll(TEST_JVM_OPTIONS);
        // a temporary folder of the check's own, so that a test can tell the files the learner's code left there
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        java.addAll(List.of("-Dconclab.grader.lineOffset=" + offset, "-Dconclab.grader.code=" + code,
                "-Dconclab.grader.testTimeout=" + limits.testSeconds(), "-Djava.io.tmpdir=" + tmp));
        List<String> cache = aot == null ? List.of() : aot.options();
        java.addAll(cache);
        // With the cache, the check's classes come after the jars, which the cache's classpath must begin with. The
        // same classes load either way: the check's are all in the unnamed package, where no jar has a class.
        java.addAll(List.of("-cp", path(cache.isEmpty() ? prepend(work.resolve("classes"), classpath)
                        : append(classpath, work.resolve("classes"))),
                "conclab.grader.runner.Runner", results.toString()));
        if (ex.preview()) java.add(java.indexOf("-cp"), "--enable-preview");
        java.addAll(java.indexOf("-cp"), testJvmOptions);
        java.addAll(testClasses);
        Sandbox.Run run = Sandbox.run(java, work, limits, limits.wallSeconds(),
                stopOnceFailed.isEmpty() ? () -> false : () -> allFailed(results, stopOnceFailed));
        return outcome(ex, scope, run, Files.exists(results) ? Files.readAllLines(results) : List.of());
    }

    /** Compiles with {@code warm} if there is one and it can, else with a javac JVM of the check's own. */
    private static Sandbox.Run compile(List<String> javac, Path work, WarmCompiler warm) throws IOException {
        if (warm != null) {
            try {
                return warm.compile(javac, work);
            } catch (WarmCompiler.Unavailable e) {
                // compile cold, as without a warm compiler
            }
        }
        return Sandbox.run(javac, work, COMPILER, COMPILER.wallSeconds());
    }

    /** The options of every test JVM but its heap, its properties and its classpath. */
    private static final List<String> TEST_JVM_OPTIONS = List.of("-Xss1m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+EnableDynamicAgentLoading", "--sun-misc-unsafe-memory-access=allow", "-XX:-PrintWarnings",
            "-XX:-UsePerfData", "-Djava.awt.headless=true",
            "-Dstdout.encoding=UTF-8", "-Dstderr.encoding=UTF-8", // what the sandbox reads, whatever the locale
            "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED"); // conclab.coro's generators run on it

    /** The options of the JVM that makes the AOT cache: a test JVM's, with the default heap. */
    private List<String> trainingOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx" + Limits.DEFAULT.heapMegabytes() + "m"));
        options.addAll(TEST_JVM_OPTIONS);
        options.addAll(testJvmOptions);
        return options;
    }

    /** Whether the runner's records so far (a file being written) have a FAILED result for each of {@code props}. */
    static boolean allFailed(Path results, Set<String> props) {
        List<String> records;
        try {
            records = Files.exists(results) ? Files.readAllLines(results) : List.of();
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a partial line in a strange encoding, say: the next look sees more
        }
        Set<String> failed = new HashSet<>();
        for (String line : records) {
            String[] f = line.split("\t", -1);
            if (complete(f) && f[0].equals("DONE") && f[2].equals("FAILED")) failed.add(f[1]);
        }
        return failed.containsAll(props);
    }

    /**
     * Whether a record has every field its kind needs ({@code DONE}: property, status, evidence; {@code PLAN},
     * {@code START}, {@code EXIT}, {@code ABORT}: one; {@code END}: none). A JVM killed while it wrote one may leave
     * it cut short.
     */
    static boolean complete(String[] f) {
        return switch (f[0]) {
            case "DONE" -> f.length >= 4;
            case "PLAN", "START", "EXIT", "ABORT" -> f.length >= 2;
            default -> true; // END, or no kind at all: outcome ignores it
        };
    }

    /** Reads the runner's records (see {@code Runner}) and what the sandbox saw into an outcome. */
    static Outcome outcome(Exercise ex, Scope scope, Sandbox.Run run, List<String> records) {
        Set<String> planned = new HashSet<>(), started = new HashSet<>();
        // A property may be checked by several tests: it holds only if all of them pass, so the first result
        // that is not PASSED is kept; and a test that started and never ended fails it.
        Map<String, String[]> done = new HashMap<>();
        Map<String, Integer> running = new HashMap<>();
        String why = null; // the runner's EXIT or ABORT
        boolean ended = false;
        for (String line : records) {
            String[] f = line.split("\t", -1);
            if (!complete(f)) continue; // a partial last line from a killed JVM
            switch (f[0]) {
                case "PLAN" -> planned.add(f[1]);
                case "START" -> {
                    started.add(f[1]);
                    running.merge(f[1], 1, Integer::sum);
                }
                case "DONE" -> {
                    done.merge(f[1], new String[] {f[2], text(f[3])}, (was, now) -> "PASSED".equals(was[0]) ? now : was);
                    running.merge(f[1], -1, Integer::sum);
                }
                case "EXIT", "ABORT" -> why = text(f[1]);
                case "END" -> ended = true;
                default -> { } // a partial last line from a killed JVM
            }
        }
        boolean enough = Sandbox.ENOUGH.equals(run.killed()); // stopped on purpose: what had not finished did not run
        String stopped = null;
        if (!ended && !enough) {
            if (run.killed() != null) stopped = "The check was stopped: " + run.killed() + ".";
            else if (why != null) stopped = "The tests could not finish: " + why + ".";
            else stopped = "The test JVM ended before the tests did (exit code " + run.exitCode()
                    + "): does your code call System.exit or Runtime.halt?";
        }
        List<Result> results = new ArrayList<>();
        for (Exercise.Prop p : ex.props(scope)) {
            String[] d = done.get(p.id());
            if (enough && (d == null || "PASSED".equals(d[0])) && (running.getOrDefault(p.id(), 0) > 0 || d == null)) {
                results.add(new Result(p, Status.NOT_RUN, ""));
            } else if (d != null && running.getOrDefault(p.id(), 0) > 0 && "PASSED".equals(d[0])) {
                results.add(new Result(p, Status.FAILED, stopped == null ? "One of its tests gave no result."
                        : "One of its tests was running when the check ended (see above)."));
            } else if (d != null) {
                results.add(new Result(p, Status.valueOf(d[0]), d[1]));
            } else if (started.contains(p.id())) {
                results.add(new Result(p, Status.FAILED, stopped == null ? "Its test gave no result."
                        : "It was running when the check ended (see above)."));
            } else if (ended && !planned.contains(p.id())) {
                results.add(new Result(p, Status.FAILED, "No test checks this property: the exercise is broken;"
                        + " please tell the instructor."));
            } else {
                results.add(new Result(p, Status.NOT_RUN, ""));
            }
        }
        String verdict = stopped == null ? null : stopped + " Properties that had not run get no points.";
        if (results.stream().allMatch(r -> r.status() == Status.NOT_DONE)) verdict = notDone();
        return new Outcome(ex, scope, results, verdict, "", run.output());
    }

    static String notDone() {
        return Outcome.NOT_DONE_VERDICT + ": the code still throws \"" + Evidence.NOT_DONE + "\". Write the parts"
                + " that throw it, run the solution cell, then run this check again.";
    }

    /** Compiler messages with the learner's line numbers; errors in the tests mean a changed skeleton. */
    static Outcome compileErrors(Exercise ex, Scope scope, String output, int offset) {
        StringBuilder details = new StringBuilder();
        boolean inSolution = false, inTests = false;
        for (String line : output.split("\n")) {
            Matcher m = DIAGNOSTIC.matcher(line);
            if (m.matches()) {
                boolean solution = (m.group(1) + ".java").equals(Evidence.SOLUTION_FILE);
                int n = Integer.parseInt(m.group(2));
                if (m.group(3).equals("error")) {
                    if (solution) inSolution = true;
                    else inTests = true;
                }
                details.append(solution ? "line " + (n + offset) : "the tests (" + m.group(1) + ".java, line " + n + ")")
                        .append(": ").append(m.group(4)).append('\n');
            } else if (!line.matches("^\\d+ errors?$") && !line.matches("^\\d+ warnings?$")) {
                details.append(line).append('\n');
            }
        }
        String verdict = inSolution || !inTests ? "Your code does not compile."
                : "The tests cannot use your classes: keep the class names and method signatures the exercise"
                  + " gives (and write no package line).";
        return Outcome.whole(ex, scope, Status.FAILED, verdict, details.toString().stripTrailing(), "");
    }

    private static String release() {
        try (var in = Checker.class.getResourceAsStream("jdk.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) p.load(in);
            String release = p.getProperty("release", "");
            if (!release.matches("\\d+")) throw new IllegalStateException("jdk.properties names no release: rebuild the grader");
            return release;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String tool(String name) throws IOException {
        Path p = javaHome.resolve("bin").resolve(name);
        if (!Files.isExecutable(p)) {
            throw new IOException("there is no " + p + ": the grader needs a full JDK " + RELEASE + ", not a JRE");
        }
        return p.toString();
    }

    private static List<Path> prepend(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<Path> append(List<Path> first, Path last) {
        List<Path> all = new ArrayList<>(first);
        all.add(last);
        return all;
    }

    private static String path(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    private static String text(String b64) {
        try {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** Deletes a folder and what it holds, as far as it can. */
    static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
