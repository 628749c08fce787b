package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.grader.Outcome.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a check's outcome is read, and what the checker does with code that misbehaves. */
class CheckerTest {
    @Test
    void checksCompileForTheReleaseTheBuildNames() throws IOException {
        String pom = Files.readString(Path.of(System.getProperty("conclab.project"), "pom.xml"));
        var m = java.util.regex.Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>").matcher(pom);
        assertTrue(m.find(), "the root pom names the release");
        assertEquals(m.group(1), Checker.RELEASE);
    }

    private final Exercise counter = Catalog.get().find("safe-counter");

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRunnersRecordsBecomeResultsInCatalogOrder() {
        List<String> records = List.of("PLAN\treads-under-lock", "PLAN\tno-lost-updates", "PLAN\tcounts-alone",
                "START\treads-under-lock", "DONE\treads-under-lock\tPASSED\t" + b64(""), "START\tno-lost-updates",
                "DONE\tno-lost-updates\tFAILED\t" + b64("3 updates were lost"), "START\tcounts-alone",
                "DONE\tcounts-alone\tPASSED\t" + b64(""), "END");
        Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(0, null, "", 0, 10), records);
        assertNull(o.verdict());
        assertEquals(List.of("counts-alone", "no-lost-updates", "reads-under-lock"),
                o.results().stream().map(r -> r.prop().id()).toList());
        assertEquals(List.of(Status.PASSED, Status.FAILED, Status.PASSED),
                o.results().stream().map(Outcome.Result::status).toList());
        assertEquals("3 updates were lost", o.results().get(1).evidence());
        assertEquals(2, o.points());
        assertEquals(5, o.max());
    }

    /** Calibration stops a wrong version's tests once its properties have failed: what had not finished did not run. */
    @Test
    void aRunStoppedOnceItsPropertiesFailedKeepsThemAndRunsNothingElse(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> records = List.of("PLAN\treads-under-lock", "PLAN\tno-lost-updates", "PLAN\tcounts-alone",
                "START\treads-under-lock", "DONE\treads-under-lock\tPASSED\t" + b64(""), "START\tno-lost-updates",
                "DONE\tno-lost-updates\tFAILED\t" + b64("3 updates were lost"), "START\tcounts-alone");
        java.nio.file.Path results = java.nio.file.Files.write(dir.resolve("results.txt"), records);
        assertTrue(Checker.allFailed(results, java.util.Set.of("no-lost-updates")));
        assertFalse(Checker.allFailed(results, java.util.Set.of("no-lost-updates", "reads-under-lock")), "it passed");
        assertFalse(Checker.allFailed(results, java.util.Set.of("counts-alone")), "still running");
        assertFalse(Checker.allFailed(dir.resolve("none.txt"), java.util.Set.of("no-lost-updates")), "no records yet");

        Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(-1, Sandbox.ENOUGH, "", 0, 10), records);
        assertNull(o.verdict(), "a stop on purpose is no failure of the run");
        assertEquals(List.of(Status.NOT_RUN, Status.FAILED, Status.PASSED),
                o.results().stream().map(Outcome.Result::status).toList(), "counts-alone was running: not run");
        assertEquals("3 updates were lost", o.results().get(1).evidence());

        // a JVM killed while it wrote a record leaves it cut short: skipped, whatever field it was cut at
        for (String cut : List.of("START", "PLAN", "DONE\tcounts-alone", "DONE\tcounts-alone\tFAILED")) {
            List<String> partial = new java.util.ArrayList<>(records);
            partial.add(cut);
            Outcome p = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(-1, Sandbox.ENOUGH, "", 0, 10), partial);
            assertEquals(o.results().stream().map(Outcome.Result::status).toList(),
                    p.results().stream().map(Outcome.Result::status).toList(), cut);
        }
        assertFalse(Checker.allFailed(java.nio.file.Files.write(dir.resolve("cut.txt"), List.of("DONE\tcounts-alone\tFAILED")),
                java.util.Set.of("counts-alone")), "a DONE cut before its evidence is not read");

        Outcome killed = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(-1, "it ran longer than 60 s", "", 0, 10), records);
        assertNotNull(killed.verdict(), "a run killed at a limit still says so");
        assertEquals(Status.FAILED, killed.results().get(0).status(), "and the test that was running fails its property");
    }

    @Test
    void aPropertyCheckedByTwoTestsHoldsOnlyIfBothPass() {
        for (List<String> order : List.of(List.of("FAILED", "PASSED"), List.of("PASSED", "FAILED"))) {
            List<String> records = List.of("PLAN\tno-lost-updates", "PLAN\tcounts-alone",
                    "START\tno-lost-updates", "DONE\tno-lost-updates\t" + order.get(0) + "\t" + b64(order.get(0)),
                    "START\tno-lost-updates", "DONE\tno-lost-updates\t" + order.get(1) + "\t" + b64(order.get(1)),
                    "START\tcounts-alone", "DONE\tcounts-alone\tPASSED\t" + b64(""), "END");
            Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(0, null, "", 0, 10), records);
            assertEquals(Status.FAILED, o.results().get(1).status(), order.toString());
            assertEquals("FAILED", o.results().get(1).evidence());
        }
    }

    @Test
    void aSecondTestOfAPropertyThatNeverEndedFailsIt() {
        List<String> records = List.of("PLAN\tcounts-alone", "START\tcounts-alone", "DONE\tcounts-alone\tPASSED\t",
                "START\tcounts-alone");
        Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(-1, "it ran longer than 20 s", "", 0, 10), records);
        assertEquals(Status.FAILED, o.results().get(0).status());
    }

    @Test
    void aKilledRunFailsThePropertyThatRanAndSkipsTheRest() {
        List<String> records = List.of("PLAN\tcounts-alone", "PLAN\tno-lost-updates", "START\tcounts-alone");
        Outcome o = Checker.outcome(counter, Scope.PUBLIC,
                new Sandbox.Run(-1, "your code printed more than 1 MB", "xxx", 2 << 20, 10), records);
        assertTrue(o.verdict().startsWith("The check was stopped: your code printed more than 1 MB."), o.verdict());
        assertEquals(Status.FAILED, o.results().get(0).status());
        assertEquals(Status.NOT_RUN, o.results().get(1).status());
        assertEquals("xxx", o.output());
    }

    @Test
    void anExitIsNamedWithItsLine() {
        List<String> records = List.of("PLAN\tcounts-alone", "START\tcounts-alone",
                "EXIT\t" + b64("your code called System.exit, at SafeCounter.increment (line 4 of your solution cell)"));
        Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(3, null, "", 0, 10), records);
        assertTrue(o.verdict().contains("System.exit, at SafeCounter.increment (line 4"), o.verdict());
    }

    @Test
    void aPropertyNoTestChecksIsAnInstructorsError() {
        List<String> records = List.of("PLAN\tcounts-alone", "START\tcounts-alone", "DONE\tcounts-alone\tPASSED\t", "END");
        Outcome o = Checker.outcome(counter, Scope.PUBLIC, new Sandbox.Run(0, null, "", 0, 10), records);
        assertTrue(o.results().get(1).evidence().contains("No test checks this property"));
    }

    @Test
    void compilerMessagesNameTheCellsLines() {
        String javac = """
                src/Solution.java:3: error: ';' expected
                    void increment() { count++ }
                                              ^
                1 error
                """;
        Outcome o = Checker.compileErrors(counter, Scope.PUBLIC, javac, 1);
        assertEquals("Your code does not compile.", o.verdict());
        assertTrue(o.details().startsWith("line 4: ';' expected\n"), o.details());
        assertTrue(!o.details().contains("1 error"));
        Outcome tests = Checker.compileErrors(counter, Scope.PUBLIC,
                "src/SafeCounterTest.java:12: error: cannot find symbol\n1 error\n", 1);
        assertTrue(tests.verdict().startsWith("The tests cannot use your classes"), tests.verdict());
    }

    /** Real checks, each in its own JVMs: the stub is "not done", System.exit and a hang are contained. */
    @Test
    void misbehavingCodeIsContained() {
        Checker checker = Checker.here();
        Outcome stub = checker.check(counter, """
                class SafeCounter {
                    void increment() {
                        throw new UnsupportedOperationException("exercise not done yet");
                    }
                    long get() {
                        throw new UnsupportedOperationException("exercise not done yet");
                    }
                }""", 2, Scope.ALL);
        assertTrue(stub.notDone(), Feedback.text(stub));
        assertEquals(0, stub.points());

        Outcome exit = checker.check(counter, """
                class SafeCounter {
                    void increment() { System.exit(7); }
                    long get() { return 0; }
                }""", 2, Scope.PUBLIC);
        assertTrue(exit.verdict().contains("System.exit, at SafeCounter.increment (line 3 of your solution cell)"),
                Feedback.text(exit));
        // The same code checked in a %%check cell: its lines are that cell's.
        Outcome exitHere = checker.check(counter, """
                class SafeCounter {
                    void increment() { System.exit(7); }
                    long get() { return 0; }
                }""", 2, "this cell", Scope.PUBLIC);
        assertTrue(exitHere.verdict().contains("System.exit, at SafeCounter.increment (line 3 of this cell)"),
                Feedback.text(exitHere));

        // JUnit rethrows an OutOfMemoryError rather than failing the test: the check says so, not "System.exit".
        Outcome full = checker.check(counter, """
                class SafeCounter {
                    static final java.util.List<long[]> kept = new java.util.ArrayList<>();
                    void increment() { while (true) kept.add(new long[1 << 16]); }
                    long get() { return 0; }
                }""", 2, Scope.PUBLIC);
        assertTrue(full.verdict().contains("ran out of memory"), Feedback.text(full));
        assertFalse(full.verdict().contains("System.exit"), Feedback.text(full));

        Outcome hidden = checker.check(counter, """
                public class SafeCounter {
                    private long count;
                    public synchronized void increment() { count++; }
                    public synchronized long get() { return count; }
                }""", 2, Scope.ALL);
        assertEquals(6, hidden.points(), Feedback.text(hidden));
        assertEquals(6, hidden.max());
    }

    /**
     * A checker that keeps compiled classes compiles the same sources once: the second check of a version
     * restores them and grades alike, and another version gets classes of its own.
     */
    @Test
    void compiledClassesAreKeptPerSources(@TempDir Path kept) throws Exception {
        Checker checker = Checker.here().withCompiledClassesIn(kept);
        String right = """
                class SafeCounter {
                    private long count;
                    synchronized void increment() { count++; }
                    synchronized long get() { return count; }
                }""";
        Outcome first = checker.check(counter, right, 2, Scope.PUBLIC);
        assertEquals(1, entries(kept), "one entry after the first check");
        Outcome again = checker.check(counter, right, 2, Scope.PUBLIC);
        assertEquals(1, entries(kept), "the second check of the same sources compiles nothing new");
        assertEquals(first.max(), again.points(), Feedback.text(again));
        Outcome zero = checker.check(counter, right.replace("return count;", "return 0;"), 2, Scope.PUBLIC);
        assertEquals(2, entries(kept), "other sources, other classes");
        assertEquals(Status.FAILED, zero.results().getFirst().status(), Feedback.text(zero)); // counts-alone
    }

    private static long entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> !p.getFileName().toString().contains(".partial-")).count();
        }
    }
}
