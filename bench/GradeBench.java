import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Seconds per complete submission of {@code ./conclab grade}: the old way (a javac JVM per check, test JVMs started
 * cold: {@code -Dconclab.grader.cold=true}) and the new way (a compiler JVM kept warm per student, the JDK's AOT
 * cache for the test JVMs), in one run, interleaved.
 *
 *     ./conclab bench grade [--students N] [--jobs J]        (defaults: 2 students, 2 jobs)
 *
 * A complete, correct submission is the course's notebooks as they are, with their reference solutions (as
 * tests/test_grading.py grades them): every exercise compiles and every test runs. Each round grades one student
 * the old way and the new way, each in a grader JVM of its own ({@code conclab.grader.Main grade DIR --jobs J}); the
 * rounds alternate which goes first (old-new, new-old, ...) so that a drift in the machine's load falls on both
 * alike. The table gives each way's seconds per submission over all rounds, the ratio new/old, and the issue's
 * target (0.5). Both ways must give the same points for every exercise: the bench says where they do not.
 *
 * The AOT cache is kept in grader/target/aot-cache for this JDK and these jars; a grading makes it before it grades
 * when it is not there. The bench has it made before the first round (a grading of no one), untimed: a class's
 * grading pays for it once per build, not once per submission.
 */
public class GradeBench {
    public static void main(String[] args) throws Exception {
        Map<String, Integer> options;
        try {
            options = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\nusage: ./conclab bench grade [--students N] [--jobs J]   (defaults: 2 students, 2 jobs)");
            System.exit(2);
            return;
        }
        int students = options.get("--students"), jobs = options.get("--jobs");
        Path project = Path.of(System.getProperty("conclab.project", "")).toAbsolutePath().normalize();
        Path course = project.resolve("notebooks");
        if (!Files.isDirectory(course)) throw new IllegalStateException("no " + course + ": run this through ./conclab bench grade");
        boolean cacheBefore = hasCache(project);
        System.out.printf("Grading %d complete, correct submission(s) (the course's reference solutions) the old way and the new"
                + " way, --jobs %d, one student per grading, interleaved; %s, %d cores, Java %s%n", students, jobs,
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("system load average at the start: %.1f (the machine is shared: read the ratio, not the seconds)%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path work = Files.createTempDirectory("conclab-bench-grade-");
        if (!cacheBefore) makeCache(project, work.resolve("no-one"));
        System.out.println("AOT cache for the test JVMs: " + (cacheBefore ? "there (made by an earlier grading)"
                : hasCache(project) ? "made before the first round, untimed" : "none: it could not be made here"));
        System.out.println();

        double oldSeconds = 0, newSeconds = 0;
        List<String> differences = new ArrayList<>();
        int oldShort = 0, newShort = 0;
        try {
            System.out.println("| round | first | old s | new s | new/old |");
            System.out.println("|---:|---|---:|---:|---:|");
            for (int round = 1; round <= students; round++) {
                boolean oldFirst = round % 2 == 1;
                Result first = grade(project, course, work.resolve(round + (oldFirst ? "-old" : "-new")), oldFirst, jobs);
                Result second = grade(project, course, work.resolve(round + (oldFirst ? "-new" : "-old")), !oldFirst, jobs);
                Result old = oldFirst ? first : second, now = oldFirst ? second : first;
                oldSeconds += old.seconds();
                newSeconds += now.seconds();
                oldShort += old.notFull();
                newShort += now.notFull();
                for (var e : old.points().entrySet()) {
                    String n = now.points().get(e.getKey());
                    if (!e.getValue().equals(n)) differences.add("round " + round + ", " + e.getKey() + ": old " + e.getValue() + ", new " + n);
                }
                System.out.printf("| %d | %s | %.1f | %.1f | %.2f |%n", round, oldFirst ? "old" : "new", old.seconds(),
                        now.seconds(), now.seconds() / old.seconds());
            }
        } finally {
            delete(work);
        }
        System.out.println();
        System.out.println("| way | seconds per submission | vs old | target |");
        System.out.println("|---|---:|---:|---:|");
        System.out.printf("| old: javac JVM per check, cold test JVMs | %.1f | 1.00 | |%n", oldSeconds / students);
        System.out.printf("| new: warm compiler per student, AOT cache | %.1f | %.2f | 0.50 |%n", newSeconds / students,
                newSeconds / oldSeconds);
        System.out.println();
        System.out.printf("exercises below full marks: old %d, new %d (of %d submissions; a correct submission should have none)%n",
                oldShort, newShort, students);
        if (differences.isEmpty()) {
            System.out.println("points: the same for every exercise, old and new");
        } else {
            System.out.println("points that differ between old and new (timing-sensitive properties on a busy machine?):");
            differences.forEach(d -> System.out.println("  " + d));
        }
        System.out.println("AOT cache for the test JVMs at the end: " + (hasCache(project) ? "there" : "none (it could not be made here)"));
    }

    /** One grading: its wall time, each exercise's "points/max", and how many exercises got less than full marks. */
    record Result(double seconds, Map<String, String> points, int notFull) {}

    /** Grades one student (a copy of the course's notebooks) in {@code dir}, old or new way, in a grader JVM. */
    static Result grade(Path project, Path course, Path dir, boolean old, int jobs) throws IOException, InterruptedException {
        Path student = dir.resolve("student");
        copy(course, student);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dconclab.project=" + project, "-Dconclab.grader.cold=" + old,
                "-cp", System.getProperty("java.class.path"), "conclab.grader.Main", "grade", dir.toString(),
                "--jobs", Integer.toString(jobs)));
        Path log = dir.resolveSibling(dir.getFileName() + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new IllegalStateException("the grader failed (exit " + exit + "):\n" + Files.readString(log));
        }
        Map<String, String> points = new LinkedHashMap<>();
        int notFull = 0;
        List<String> lines = Files.readAllLines(dir.resolve("grades.csv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1); // student,notebook,exercise,points,max,...: no commas in these names
            points.put(f[1] + " " + f[2], f[3] + "/" + f[4]);
            if (!f[3].equals(f[4])) notFull++;
        }
        return new Result(seconds, points, notFull);
    }

    /** Has the grader make the AOT cache, untimed: it grades a class of no one, which makes the cache first. */
    static void makeCache(Path project, Path empty) throws IOException, InterruptedException {
        Files.createDirectories(empty);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dconclab.project=" + project, "-cp", System.getProperty("java.class.path"), "conclab.grader.Main", "grade",
                empty.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(); // it says there is no one to grade; the cache is what it was run for
    }

    static boolean hasCache(Path project) throws IOException {
        Path folder = project.resolve("grader/target/aot-cache");
        if (!Files.isDirectory(folder)) return false;
        try (Stream<Path> s = Files.list(folder)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".aot"));
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !p.toString().contains(".ipynb_checkpoints")).toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** --students and --jobs, each a number of at least 1, with their defaults; anything else is refused. */
    static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new LinkedHashMap<>(Map.of("--students", 2, "--jobs", 2));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!options.containsKey(name)) throw new IllegalArgumentException("unknown argument " + name);
            if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a number");
            int n;
            try {
                n = Integer.parseInt(args[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, not " + args[i + 1]);
            }
            if (n < 1) throw new IllegalArgumentException(name + " must be at least 1, not " + n);
            options.put(name, n);
        }
        return options;
    }
}
