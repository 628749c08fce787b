package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line returns its exit code with a message for each misuse; only main exits. */
class MainTest {
    @Test
    void misuseReturnsTwoWithAMessageAndDoesNotExit() {
        assertEquals(2, run("").code);
        assertTrue(run("").err.contains("usage: ./conclab release"), run("").err);
        Result unknown = run("frobnicate");
        assertEquals(2, unknown.code);
        assertTrue(unknown.err.startsWith("Unknown command frobnicate."), unknown.err);
        Result noExercise = run("check", "no-such-exercise", "Solution.java");
        assertEquals(2, noExercise.code);
        assertTrue(noExercise.err.contains("There is no exercise no-such-exercise."), noExercise.err);
        Result badNumber = run("calibrate", "--repeat", "many");
        assertEquals(2, badNumber.code);
        assertTrue(badNumber.err.contains("--repeat needs a number, not many"), badNumber.err);
        Result zero = run("calibrate", "--jobs", "0");
        assertEquals(2, zero.code);
        assertTrue(zero.err.contains("--jobs must be at least 1"), zero.err);
    }

    @Test
    void calibrateRunsOnlyTheVersionsNamedAndRefusesOneThatIsNotThere() {
        Result typo = run("calibrate", "safe-counter/NoSuchVersion");
        assertEquals(2, typo.code);
        assertTrue(typo.err.contains("There is no version safe-counter/NoSuchVersion"), typo.err);
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Result one;
        try {
            one = run("calibrate", "safe-counter/AtomicGetThenSet");
        } finally {
            System.setOut(saved);
        }
        String table = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, one.code, table + one.err);
        long rows = table.lines().filter(l -> l.startsWith("safe-counter ") && !l.contains("one calibration")).count();
        assertEquals(1, rows, table);
        assertTrue(table.contains("AtomicGetThenSet") && !table.contains("reference"), table);
    }

    @Test
    void gradeReadsKOfNAndRefusesEveryMisuseBeforeGrading(@TempDir Path dir) throws Exception {
        Path klass = Files.createDirectories(dir.resolve("class"));
        String sub = klass.toString();
        assertRefused(run("grade", sub, "--shard", "3/3"), "--shard needs K/N, two whole numbers with 0 <= K < N");
        assertRefused(run("grade", sub, "--shard", "one/3"), "not one/3");
        assertRefused(run("grade", sub, "--shard"), "--shard needs a value.");
        assertRefused(run("grade", sub, "--out", dir.resolve("o").toString()), "--out is for --shard and --merge");
        assertRefused(run("grade", sub, "--shard", "0/3", "extra"), "usage: ./conclab grade SUBMISSIONS [--jobs N]");
        Path notes = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(notes.resolve("mine.txt"), "x");
        assertRefused(run("grade", sub, "--shard", "0/3", "--out", notes.toString()), "is not a shard's results");
    }

    @Test
    void aTaskOfAnIndexedJobMustSayWhichShardItGrades(@TempDir Path dir) {
        String sub = dir.toString();
        Result whole = run(Map.of("JOB_COMPLETION_INDEX", "1"), "grade", sub);
        assertRefused(whole, "JOB_COMPLETION_INDEX is 1: this is one task of many, yet --shard is not given");
        assertTrue(whole.err.contains("--shard $JOB_COMPLETION_INDEX/N"), whole.err);
        assertRefused(run(Map.of("JOB_COMPLETION_INDEX", "1"), "grade", sub, "--shard", "0/3"),
                "--shard 0/3, but JOB_COMPLETION_INDEX is 1");
        assertRefused(run(Map.of("SLURM_ARRAY_TASK_ID", "7"), "grade", sub), "SLURM_ARRAY_TASK_ID is 7");
    }

    @Test
    void mergeSaysWhereItWritesAndRefusesShardsOfNoOneGrading(@TempDir Path dir) throws Exception {
        assertRefused(run("grade", "--merge"), "usage: ./conclab grade SUBMISSIONS [--jobs N]");
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        assertRefused(run("grade", "--merge", a.toString(), b.toString()), "say where with --out OUT");
        Path shards = Files.createDirectories(dir.resolve("class/shards/0-of-2"));
        Files.createDirectories(dir.resolve("class/shards/1-of-2"));
        assertRefused(run("grade", "--merge", shards.toString(), shards.resolveSibling("1-of-2").toString()),
                "is not a shard's results (it has no shard.properties)");
        assertFalse(Files.exists(dir.resolve("class/grades.csv")), "nothing written");
    }

    private static void assertRefused(Result r, String says) {
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains(says), r.err);
    }

    record Result(int code, String err) {}

    /** Main.run in the environment {@code env} (and nothing of this process's), with stderr captured. */
    static Result run(Map<String, String> env, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(args, env), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    /** Main.run with stderr captured, in an environment of no batch system; an empty first word means no arguments. */
    static Result run(String... args) {
        return run(Map.of(), args.length == 1 && args[0].isEmpty() ? new String[0] : args);
    }
}
