package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A student's warm compiler gives the outcomes a compiler JVM per check gives, and is never another student's. */
class WarmCompilerTest {
    private final Exercise counter = Catalog.get().find("safe-counter");
    private final Checker checker = Checker.here();

    private static final String RIGHT = """
            public class SafeCounter {
                private long count;
                public synchronized void increment() { count++; }
                public synchronized long get() { return count; }
            }""";

    /** A syntax error on the code's line 3 (the cell's 4: the code starts on its line 2). */
    private static final String SYNTAX = """
            public class SafeCounter {
                private long count;
                public synchronized void increment() { count++ }
                public synchronized long get() { return count; }
            }""";

    /** Type errors on the code's lines 3 and 5. */
    private static final String BROKEN = """
            public class SafeCounter {
                private long count;
                public synchronized void increment() { count += step; }
                public synchronized long get() { return count; }
                public void reset() { count = "zero"; }
            }""";

    /** Tests that call a method the solution lacks: the skeleton was changed. */
    private static final String RENAMED = """
            public class SafeCounter {
                public void add() { }
                public long get() { return 0; }
            }""";

    @Test
    void theSameOutcomesAsACompilerJvmPerCheck() {
        try (WarmCompiler warm = checker.warmCompiler()) {
            for (String source : List.of(RIGHT, SYNTAX, BROKEN, RENAMED, RIGHT)) {
                Outcome cold = checker.check(counter, source, 2, Scope.PUBLIC);
                Outcome hot = checker.check(counter, source, 2, Scope.PUBLIC, warm);
                assertEquals(cold.verdict(), hot.verdict(), source);
                assertEquals(cold.details(), hot.details(), source);
                assertEquals(cold.points(), hot.points(), Feedback.text(hot));
                assertEquals(cold.results().stream().map(r -> r.status() + " " + r.evidence()).toList(),
                        hot.results().stream().map(r -> r.status() + " " + r.evidence()).toList());
            }
            assertEquals(1, warm.serversStarted(), "every compile in one JVM");
        }
    }

    @Test
    void compileErrorsNameTheCellsLines() {
        try (WarmCompiler warm = checker.warmCompiler()) {
            Outcome syntax = checker.check(counter, SYNTAX, 2, Scope.PUBLIC, warm);
            assertEquals("Your code does not compile.", syntax.verdict());
            assertTrue(syntax.details().startsWith("line 4: ';' expected\n"), syntax.details());
            Outcome o = checker.check(counter, BROKEN, 2, Scope.PUBLIC, warm);
            assertTrue(o.details().startsWith("line 4: cannot find symbol\n"), o.details());
            assertTrue(o.details().contains("line 6: incompatible types: String cannot be converted to long"), o.details());
            assertFalse(o.details().contains("conclab-check-"), "no temporary folder in the messages: " + o.details());
            Outcome tests = checker.check(counter, RENAMED, 2, Scope.PUBLIC, warm);
            assertTrue(tests.verdict().startsWith("The tests cannot use your classes"), tests.verdict());
        }
    }

    /**
     * A compile past the wall time is stopped with the words a compiler JVM of its own gets, its server is killed,
     * and the next compile starts another server.
     */
    @Test
    void aCompilePastItsWallTimeKillsTheServer(@TempDir Path dir) throws Exception {
        // Five seconds: enough for a small compile in a new server on a busy machine, far too little for Big.
        Limits fiveSeconds = new Limits(5, 5, 512, 200, 0, 1 << 20);
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("classes"));
        Files.createDirectories(work.resolve("src"));
        Files.writeString(work.resolve("src/Small.java"), "class Small { int one() { return 1; } }\n");
        // Tens of MB of methods: javac takes far more than five seconds to parse and attribute them, warm or cold.
        Files.writeString(work.resolve("src/Big.java"), IntStream.range(0, 200_000)
                .mapToObj(i -> "  int m" + i + "(int x) { return x * " + i + " + (x > " + i + " ? m" + Math.max(0, i - 1) + "(x - 1) : 0); }")
                .collect(Collectors.joining("\n", "class Big {\n", "\n}\n")), StandardCharsets.UTF_8);
        try (WarmCompiler warm = new WarmCompiler(Path.of(System.getProperty("java.home")), checker.classpath(), fiveSeconds)) {
            Sandbox.Run small = warm.compile(javac("src/Small.java"), work);
            assertEquals(0, small.exitCode(), small.killed() + " " + small.output());
            assertTrue(Files.isRegularFile(work.resolve("classes/Small.class")));
            long first = warm.pid();

            Sandbox.Run cold = Sandbox.run(javac("src/Big.java"), work, fiveSeconds, fiveSeconds.wallSeconds());
            Sandbox.Run big = warm.compile(javac("src/Big.java"), work);
            assertEquals("it ran longer than 5 s", cold.killed());
            assertEquals(cold.killed(), big.killed());
            assertEquals(-1, big.exitCode());
            assertFalse(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false), "the server was killed");

            Sandbox.Run again = warm.compile(javac("src/Small.java"), work);
            assertEquals(0, again.exitCode(), again.killed() + " " + again.output());
            assertEquals(2, warm.serversStarted());
            assertNotEquals(first, warm.pid());
        }
    }

    /** Each student gets a compiler of their own, whose JVM ends after their last exercise. */
    @Test
    void aStudentsCompilerIsNeverAnothers() throws Exception {
        List<WarmCompiler> made = new ArrayList<>();
        try (StudentCompilers compilers = new StudentCompilers(() -> {
            WarmCompiler c = checker.warmCompiler();
            made.add(c);
            return c;
        }, Map.of("ann", 2, "bob", 1))) {
            WarmCompiler ann = compilers.of("ann");
            WarmCompiler bob = compilers.of("bob");
            assertNotSame(ann, bob);
            assertSame(ann, compilers.of("ann"));
            checker.check(counter, RIGHT.replace("count++", "count += 1"), 2, Scope.PUBLIC, ann);
            checker.check(counter, RIGHT, 2, Scope.PUBLIC, bob);
            assertNotEquals(ann.pid(), bob.pid(), "two JVMs");
            long annPid = ann.pid();

            compilers.done("ann");
            assertEquals(annPid, ann.pid(), "one exercise of ann's is left: her compiler runs on");
            compilers.done("ann");
            assertEquals(-1, ann.pid(), "ann is done: her compiler's JVM ended");
            assertFalse(ProcessHandle.of(annPid).map(ProcessHandle::isAlive).orElse(false));
            assertThrows(IllegalStateException.class, () -> compilers.of("ann"), "nothing more is handed out for ann");
            // A closed compiler compiles nothing: a check that still had it would compile cold, never in another's JVM.
            Outcome after = checker.check(counter, RIGHT, 2, Scope.PUBLIC, ann);
            assertNull(after.verdict(), Feedback.text(after));
            assertEquals(-1, ann.pid());
            assertEquals(1, ann.serversStarted());
        }
        assertEquals(2, made.size());
        assertEquals(-1, made.get(1).pid(), "closing the grading's compilers ends the rest");
    }

    /** A grading that stopped hands out no compiler any more: a check still under way compiles cold. */
    @Test
    void noCompilerIsMadeOnceTheGradingsCompilersAreClosed() {
        List<WarmCompiler> made = new ArrayList<>();
        StudentCompilers compilers = new StudentCompilers(() -> {
            WarmCompiler c = checker.warmCompiler();
            made.add(c);
            return c;
        }, Map.of("ann", 1));
        compilers.close();
        assertNull(compilers.of("ann"));
        assertEquals(List.of(), made);
    }

    @Test
    void noCompilersWhenTheGradingCompilesCold() {
        try (StudentCompilers compilers = new StudentCompilers(null, Map.of("ann", 1))) {
            assertNull(compilers.of("ann"));
        }
    }

    /** A name that is not ASCII reads the same in a warm compiler's messages as in a cold one's, whatever the locale. */
    @Test
    void aNameThatIsNotAsciiReadsAlikeWarmAndCold() {
        String source = RIGHT.replace("count++;", "count += größe;");
        try (WarmCompiler warm = checker.warmCompiler()) {
            Outcome cold = checker.check(counter, source, 2, Scope.PUBLIC);
            Outcome hot = checker.check(counter, source, 2, Scope.PUBLIC, warm);
            assertTrue(cold.details().contains("größe"), cold.details());
            assertEquals(cold.details(), hot.details());
        }
    }

    /**
     * javac ending otherwise than compiled (0) or with errors (1), here with exit code 2 for a -d that is not a folder,
     * is not for the server to judge: the compile throws Unavailable, the server is dropped, and a cold compile says it.
     */
    @Test
    void javacEndingOtherwiseThanCompiledOrWithErrorsGoesCold(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("src"));
        Files.createDirectories(work.resolve("classes"));
        Files.writeString(work.resolve("src/Small.java"), "class Small { int one() { return 1; } }\n");
        Files.writeString(work.resolve("notafolder"), "a file");
        List<String> badOutput = new ArrayList<>(javac("src/Small.java"));
        badOutput.set(badOutput.indexOf("classes"), "notafolder");
        try (WarmCompiler warm = checker.warmCompiler()) {
            Sandbox.Run ok = warm.compile(javac("src/Small.java"), work);
            assertEquals(0, ok.exitCode(), ok.killed() + " " + ok.output());
            long pid = warm.pid();
            assertThrows(WarmCompiler.Unavailable.class, () -> warm.compile(badOutput, work));
            assertEquals(-1, warm.pid(), "the server was dropped");
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertEquals(2, Sandbox.run(badOutput, work, Limits.DEFAULT, 60).exitCode(), "what a cold javac says");
            assertFalse(warm.givenUp(), "one failure: the next compile starts another server");
        }
    }

    /** A server that cannot start is not started again: every later compile goes cold at once. */
    @Test
    void aServerThatCannotStartIsNotStartedAgain(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        try (WarmCompiler warm = new WarmCompiler(dir.resolve("no-jdk-here"), checker.classpath(), Limits.DEFAULT)) {
            assertThrows(WarmCompiler.Unavailable.class, () -> warm.compile(javac("src/Small.java"), work));
            assertTrue(warm.givenUp());
            assertThrows(WarmCompiler.Unavailable.class, () -> warm.compile(javac("src/Small.java"), work));
            assertEquals(1, warm.serversStarted());
        }
    }

    /** A reply that is not a whole DONE line is the server's failure, never a verdict. */
    @Test
    void aReplyThatIsNotADoneLineIsNoVerdict() {
        Limits limits = Limits.DEFAULT;
        String text = CompileServer.encode("src/A.java:1: error: x");
        assertEquals(new Sandbox.Run(1, null, "src/A.java:1: error: x", 22, 5), WarmCompiler.parse("DONE 1 22 " + text, 5, limits));
        for (String bad : List.of("hello", "DONE 1 22", "DONE one 22 " + text, "DONE 1 2x " + text, "DONE 1 22 not*base64",
                "DONE 1 -5 " + text, "[0.1s][warning][gc] DONE 1 22 " + text)) {
            assertNull(WarmCompiler.parse(bad, 5, limits), bad);
        }
    }

    private static List<String> javac(String file) throws IOException {
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        return List.of(javac.toString(), "-J-Xmx512m", "-J-XX:+UseSerialGC", "-encoding", "UTF-8", "-proc:none",
                "-implicit:none", "-nowarn", "-d", "classes", file);
    }
}
