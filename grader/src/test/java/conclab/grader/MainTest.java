package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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

    record Result(int code, String err) {}

    /** Main.run with stderr captured; an empty first word means no arguments at all. */
    static Result run(String... args) {
        String[] argv = args.length == 1 && args[0].isEmpty() ? new String[0] : args;
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Result(Main.run(argv), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }
}
