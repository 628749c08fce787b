package conclab.grader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The grader's command line, run by {@code ./conclab} from the project folder:
 * {@code release}, {@code workspace}, {@code grade}, {@code calibrate} and {@code check}.
 * Exit codes: 0 done, 1 done but something failed (a notebook not released, a calibration miss), 2 usage.
 * Only {@link #main} exits; the commands return their code, and a usage error is thrown as {@link UsageError}.
 */
public final class Main {
    private static final String USAGE = """
            usage: ./conclab release [NOTEBOOK...]       student versions of the notebooks (default all) into release/
                   ./conclab grade SUBMISSIONS [--jobs N] grade every student folder of SUBMISSIONS
                   ./conclab grade SUBMISSIONS --shard K/N [--jobs N] [--out DIR]
                                                         grade shard K (0 <= K < N) of the class into DIR
                                                         (default SUBMISSIONS/shards/K-of-N)
                   ./conclab grade --merge DIR... [--out OUT]
                                                         join all N shards' results into OUT (default: the
                                                         SUBMISSIONS whose shards/ holds them)
                   ./conclab calibrate [--repeat N] [--jobs N] [--processors N] [EXERCISE[/VERSION]...]
                                                         reference and known-wrong versions against the tests
                                                         (EXERCISE/VERSION: that version only, e.g. to finish
                                                         a long calibration that was stopped)
                   ./conclab check EXERCISE FILE [--all] [--processors N]
                                                         check FILE (a solution cell's code, or an answer)
                   ./conclab update [DIR]                the course's corrections into your copies in DIR
                                                         (default work/), keeping your code and answers
            grader-only: workspace DIR                   student versions into DIR, keeping notebooks already there
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command; returns its exit code. Prints what went wrong, never a stack trace. */
    static int run(String[] args) {
        return run(args, System.getenv());
    }

    /** {@link #run(String[])} in the environment {@code env} (which says whether this is one task of many). */
    static int run(String[] args, Map<String, String> env) {
        int code;
        try {
            if (args.length == 0) fail(USAGE);
            List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
            code = switch (args[0]) {
                case "release" -> release(rest);
                case "workspace" -> workspace(rest);
                case "update" -> update(rest);
                case "grade" -> grade(rest, env);
                case "calibrate" -> calibrate(rest);
                case "check" -> check(rest);
                default -> fail("Unknown command " + args[0] + ".\n" + USAGE);
            };
        } catch (UsageError e) {
            System.err.print(e.getMessage().endsWith("\n") ? e.getMessage() : e.getMessage() + "\n");
            code = 2;
        } catch (java.nio.file.NoSuchFileException e) {
            System.err.println("There is no file " + e.getFile() + ".");
            code = 2;
        } catch (IOException | RuntimeException e) {
            System.err.println("conclab " + args[0] + ": " + e.getMessage());
            code = 1;
        }
        return code;
    }

    /** A command used wrongly: its message says how to use it (exit code 2). */
    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    /** Throws a {@link UsageError}; typed {@code int} so that a command can {@code return fail(...)}. */
    private static int fail(String message) {
        throw new UsageError(message);
    }

    /** The project folder: {@code -Dconclab.project} (set by ./conclab), else the current folder. */
    private static Path project() {
        return Path.of(System.getProperty("conclab.project", "")).toAbsolutePath().normalize();
    }

    private static Path course() {
        Path course = project().resolve("notebooks");
        if (!Files.isDirectory(course)) fail("There is no " + course + " folder: run this through ./conclab.");
        return course;
    }

    private static int release(List<String> args) throws IOException {
        Path course = course();
        List<Path> notebooks = new ArrayList<>();
        if (args.isEmpty()) {
            notebooks.addAll(Release.notebooks(course));
        } else {
            for (String a : args) {
                Path p = Path.of(a).toAbsolutePath().normalize();
                if (!Files.isRegularFile(p) || !p.startsWith(course) || !a.endsWith(".ipynb")) {
                    fail("Not a course notebook: " + a + " (give notebooks under notebooks/, e.g. notebooks/exercises-demo.ipynb)");
                }
                notebooks.add(p);
            }
        }
        Path to = project().resolve("release");
        List<String> problems = Release.run(course, notebooks, to, false);
        Release.copyData(course, to, false);
        System.out.println("Wrote " + (notebooks.size() - problems.size()) + " student notebook(s) to release/, with the"
                + " data files they read.");
        problems.forEach(p -> System.err.println("Not released: " + p));
        return problems.isEmpty() ? 0 : 1;
    }

    private static int workspace(List<String> args) throws IOException {
        if (args.size() != 1) return fail(USAGE);
        Path course = course();
        Path to = Path.of(args.getFirst()).toAbsolutePath();
        List<String> problems = Release.run(course, Release.notebooks(course), to, true);
        Release.copyData(course, to, true);
        problems.forEach(p -> System.err.println("Not copied: " + p));
        return problems.isEmpty() ? 0 : 1;
    }

    private static int update(List<String> args) throws IOException {
        if (args.size() != 1) return fail(USAGE);
        Path workspace = Path.of(args.getFirst()).toAbsolutePath();
        if (!Files.isDirectory(workspace)) {
            return fail("There is no workspace " + workspace + ": ./conclab lab makes it (work/) the first time.");
        }
        if (workspace.startsWith(course()) || course().startsWith(workspace)) {
            return fail("Not a workspace: " + workspace + " holds the course's own notebooks, which update never changes."
                    + " Give your copies' folder (work/).");
        }
        List<String> problems = Update.run(course(), workspace, System.out);
        problems.forEach(p -> System.err.println("Not updated: " + p));
        return problems.isEmpty() ? 0 : 1;
    }

    private static final String GRADE_USAGE = """
            usage: ./conclab grade SUBMISSIONS [--jobs N]
                   ./conclab grade SUBMISSIONS --shard K/N [--jobs N] [--out DIR]
                   ./conclab grade --merge DIR... [--out OUT]
            SUBMISSIONS holds one folder per student, each laid out like release/.""";

    /**
     * The variables by which a batch system tells a task that it is one of many: grading the whole class there
     * would grade it once per task. {@code JOB_COMPLETION_INDEX} (a Kubernetes Indexed Job) is 0-based like
     * {@code --shard}'s K, so it must equal K; Slurm's array ids may start anywhere, so they are only a sign.
     */
    private static final String K8S_INDEX = "JOB_COMPLETION_INDEX", SLURM_INDEX = "SLURM_ARRAY_TASK_ID";

    private static int grade(List<String> args, Map<String, String> env) throws IOException {
        boolean merge = args.remove("--merge");
        String out = stringOption(args, "--out");
        if (merge) return merge(args, out);
        String spec = stringOption(args, "--shard");
        int jobs = intOption(args, "--jobs", 1);
        Shard shard = spec == null ? null : shard(spec);
        checkTaskIndex(shard, env);
        if (args.size() != 1 || args.getFirst().startsWith("--")) return fail(GRADE_USAGE);
        if (out != null && shard == null) return fail("--out is for --shard and --merge; without them grades.csv and"
                + " feedback/ go into SUBMISSIONS.\n" + GRADE_USAGE);
        Path submissions = Path.of(args.getFirst()).toAbsolutePath().normalize();
        if (!Files.isDirectory(submissions)) return fail("There is no folder " + args.getFirst() + ".");
        Path to = shard == null ? submissions : out != null ? Path.of(out).toAbsolutePath().normalize()
                : submissions.resolve(ShardResults.FOLDER).resolve(shard.folderName());
        if (shard != null) refusedIf(() -> {
            ShardResults.checkReplaceable(to); // before grading, so that a mistyped --out costs nothing
            return to;
        });
        Checker checker = checker(0);
        GradedBy gradedBy = GradedBy.of(project(), checker.classpath());
        Grade grade = new Grade(checker, course(), System.err, gradedBy, !cold());
        if (shard == null) {
            List<Grade.Row> rows = grade.grade(submissions, jobs);
            System.out.println("Graded " + students(rows) + " student(s), " + rows.size() + " exercise(s), by "
                    + gradedBy.describe() + ": " + submissions.resolve("grades.csv") + ", feedback in "
                    + submissions.resolve("feedback"));
            return 0;
        }
        List<Grade.Row> rows = grade.grade(submissions, shard, to, jobs);
        System.out.println("Graded shard " + shard.describe() + ": " + students(rows) + " student(s), " + rows.size()
                + " exercise(s), by "
                + gradedBy.describe() + ", into " + to + " (join all " + shard.count()
                + " shards with ./conclab grade --merge)");
        return 0;
    }

    /** Where the test JVMs' AOT caches are kept: the build's folder, which a rebuild changes and a clean removes. */
    static Path aotCacheFolder() {
        return project().resolve("grader").resolve("target").resolve("aot-cache");
    }

    private static long students(List<Grade.Row> rows) {
        return rows.stream().map(Grade.Row::student).distinct().count();
    }

    private static Shard shard(String spec) {
        try {
            return Shard.parse(spec);
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
            return null;
        }
    }

    /**
     * Refuses to grade the whole class in a task that a batch system runs as one of many, and a {@code --shard}
     * whose K is not the Kubernetes index of this task: the shard is always given explicitly, never guessed.
     */
    private static void checkTaskIndex(Shard shard, Map<String, String> env) {
        for (String name : List.of(K8S_INDEX, SLURM_INDEX)) {
            String value = env.getOrDefault(name, "").strip();
            if (value.isEmpty()) continue;
            if (shard == null) {
                fail(name + " is " + value + ": this is one task of many, yet --shard is not given, so it would grade the"
                        + " whole class, as every other task would. Pass --shard K/N (in a Kubernetes Indexed Job: --shard"
                        + " $JOB_COMPLETION_INDEX/N, N its completions), or unset " + name + " to grade the whole class here.");
            }
            if (name.equals(K8S_INDEX) && !value.equals(String.valueOf(shard.index()))) {
                fail("--shard " + shard.index() + "/" + shard.count() + ", but " + K8S_INDEX + " is " + value
                        + ": pass --shard $" + K8S_INDEX + "/" + shard.count() + ", or unset " + K8S_INDEX + ".");
            }
        }
    }

    private static int merge(List<String> args, String out) throws IOException {
        if (args.isEmpty() || args.stream().anyMatch(a -> a.startsWith("--"))) return fail(GRADE_USAGE);
        List<Path> dirs = args.stream().map(a -> Path.of(a).toAbsolutePath().normalize()).toList();
        Path to = out != null ? Path.of(out).toAbsolutePath().normalize() : submissionsOf(dirs);
        ShardResults.Merged merged = refusedIf(() -> ShardResults.merge(dirs));
        String kept = ShardResults.write(merged, to);
        if (kept != null) System.err.println(kept);
        System.out.println("Merged " + merged.shards() + " shard(s): " + merged.students().size() + " student(s), "
                + merged.rowCount() + " exercise(s), by " + merged.gradedBy().describe() + ": " + to.resolve("grades.csv")
                + ", feedback in " + to.resolve("feedback"));
        return 0;
    }

    /** SUBMISSIONS, when every folder of {@code dirs} is in its {@code shards/}; else a usage error. */
    private static Path submissionsOf(List<Path> dirs) {
        Path parent = dirs.getFirst().getParent();
        boolean oneFolder = dirs.stream().allMatch(d -> parent != null && parent.equals(d.getParent()));
        if (!oneFolder || !parent.getFileName().toString().equals(ShardResults.FOLDER) || parent.getParent() == null) {
            fail("--merge writes into SUBMISSIONS when the shards' folders are all in SUBMISSIONS/shards/; these are"
                    + " not: say where with --out OUT.");
        }
        return parent.getParent();
    }

    /** An action that may be refused ({@link ShardResults.Refused}). */
    private interface Refusable<T> {
        T run() throws ShardResults.Refused, IOException;
    }

    /** Runs {@code action}; a refusal is a usage error (exit 2) with its message. */
    private static <T> T refusedIf(Refusable<T> action) throws IOException {
        try {
            return action.run();
        } catch (ShardResults.Refused e) {
            fail(e.getMessage());
            return null;
        }
    }

    private static int calibrate(List<String> args) throws IOException {
        int repeat = intOption(args, "--repeat", 1);
        int jobs = intOption(args, "--jobs", 1);
        int processors = intOption(args, "--processors", 0);
        for (String name : args) {
            String exercise = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
            if (Catalog.get().find(exercise) == null) return noSuchExercise(exercise);
        }
        Path calibration = project().resolve("grader").resolve("calibration");
        Map<String, Calibrate.Version> refs = Calibrate.references(course());
        List<Calibrate.Version> versions = new ArrayList<>();
        for (Exercise ex : Catalog.get().all()) {
            if (ex.isQuiz()) continue;
            Calibrate.Version ref = refs.get(ex.name());
            if (ref == null) return fail("No notebook has a solution cell for " + ex.name() + ".");
            List<Calibrate.Version> all = new ArrayList<>(List.of(ref));
            all.addAll(Calibrate.wrong(calibration, ex.name()));
            for (Calibrate.Version v : all) {
                if (args.isEmpty() || args.contains(ex.name()) || args.contains(ex.name() + "/" + v.name())) versions.add(v);
            }
        }
        for (String name : args) {  // a version that is not there is a typo: say so rather than calibrate less
            boolean found = versions.stream().anyMatch(v -> name.equals(v.exercise()) || name.equals(v.exercise() + "/" + v.name()));
            if (!found) return fail("There is no version " + name + ": the versions of an exercise are \"reference\" and the"
                    + " names of the files in grader/calibration/EXERCISE/, without .java.");
        }
        Checker checker = checker(processors);
        if (processors > 0) System.out.println("Test JVMs told they have " + processors + " processors (-XX:ActiveProcessorCount).");
        System.out.println(cold() ? "Each check compiles in a JVM of its own, as a notebook's check does."
                : "Checks compile in warm compilers (one per job), as in a grading.");
        System.out.println(checker.aotCache() != null && !checker.aotCache().options().isEmpty()
                ? "Test JVMs start with the AOT cache, as in a grading." : "Test JVMs start without an AOT cache, as in a notebook's check.");
        System.out.println(Calibrate.header());
        // Each version is compiled once, not once per repeat: javac is about a fifth of a check's CPU time.
        Path classes = Files.createTempDirectory("conclab-calibrate-classes-");
        try {
            try (Calibrate calibrate = new Calibrate(checker.withCompiledClassesIn(classes), !cold())) {
                return calibrate.run(versions, repeat, jobs, System.out) ? 0 : 1;
            }
        } finally {
            Checker.delete(classes);
        }
    }

    private static int check(List<String> args) throws IOException {
        boolean all = args.remove("--all");
        int processors = intOption(args, "--processors", 0);
        if (args.size() != 2) return fail(USAGE);
        Exercise ex = Catalog.get().find(args.get(0));
        if (ex == null) return noSuchExercise(args.get(0));
        String source = Files.readString(Path.of(args.get(1)), StandardCharsets.UTF_8);
        Checker checker = checker(processors);
        Outcome o = checker.check(ex, source, 1, Path.of(args.get(1)).getFileName().toString(), all ? Scope.ALL : Scope.PUBLIC);
        System.out.print(Feedback.text(o));
        // A run that failed as a whole is explained by what the test JVM printed: show it, as the feedback page does.
        if (o.verdict() != null && !o.output().isBlank()) System.out.print("What the test JVM printed:\n" + o.output().indent(4));
        return o.points() == o.max() ? 0 : 1;
    }

    private static int noSuchExercise(String name) {
        return fail("There is no exercise " + name + ". The exercises are: "
                + String.join(", ", Catalog.get().all().stream().map(Exercise::name).toList()));
    }

    /**
     * A checker on this JVM, with test JVMs told they have {@code processors} processors when it is above 0, and
     * starting from the AOT cache ({@link RunnerAotCache}), made first if it is not there yet, unless {@link #cold()}:
     * a grading, a calibration and a check from the command line all check alike.
     */
    private static Checker checker(int processors) {
        Checker checker = processors > 0 ? Checker.here().withProcessors(processors) : Checker.here();
        if (cold()) return checker;
        checker = checker.withAotCacheIn(aotCacheFolder());
        RunnerAotCache cache = checker.aotCache();
        if (!Files.isRegularFile(cache.file())) {
            System.err.println("Making the test JVMs' AOT cache (once per build and setting)...");
            if (!cache.make()) System.err.println("It could not be made: test JVMs start without it.");
        }
        return checker;
    }

    /**
     * {@code -Dconclab.grader.cold=true}: check as before the warm compilers and the AOT cache (bench/GradeBench.java
     * compares the two); the outcomes are the same either way.
     */
    private static boolean cold() {
        return Boolean.getBoolean("conclab.grader.cold");
    }

    /** Removes {@code --name VALUE} from args and returns VALUE, or null if args has no {@code --name}. */
    private static String stringOption(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) return null;
        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) fail(name + " needs a value.\n" + GRADE_USAGE);
        String value = args.remove(i + 1);
        args.remove(i);
        return value;
    }

    /** Removes {@code --name N} from args and returns N (or the default). */
    private static int intOption(List<String> args, String name, int fallback) {
        int i = args.indexOf(name);
        if (i < 0) return fallback;
        if (i + 1 >= args.size()) fail(name + " needs a number");
        try {
            int n = Integer.parseInt(args.get(i + 1));
            if (n < 1) fail(name + " must be at least 1");
            args.remove(i + 1);
            args.remove(i);
            return n;
        } catch (NumberFormatException e) {
            return fail(name + " needs a number, not " + args.get(i + 1));
        }
    }
}
