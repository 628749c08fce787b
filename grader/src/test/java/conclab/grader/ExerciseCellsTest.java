package conclab.grader;

import static org.junit.jupiter.api.Assertions.*;

import conclab.kernel.api.CellMagic;
import conclab.kernel.api.LineMagic;
import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicResult;
import conclab.kernel.api.Registry;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The exercise cells as the kernel sees them: a plug-in, driven here through a recording context. */
class ExerciseCellsTest {
    /** Records what a magic shows; stops when told to. */
    static final class Recording implements MagicContext {
        final List<String> shown = new ArrayList<>();
        volatile boolean stopping;

        public MagicResult eval(String code, int line) { return MagicResult.NOTHING; }
        public List<Path> addToClasspath(List<Path> paths) { throw new UnsupportedOperationException("no exercise cell adds jars"); }
        public void print(String text) { shown.add(text); }
        public synchronized String display(Map<String, String> bundle) { shown.add(bundle.get("text/plain")); return "d" + shown.size(); }
        public synchronized void updateDisplay(String id, Map<String, String> bundle) { shown.add(id + ": " + bundle.get("text/plain")); }
        public boolean isStopping() { return stopping; }
    }

    @Test
    void itRegistersTheFourExerciseMagicsAndImportsCheckFromItsOwnSmallJar(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path cells = java.nio.file.Files.createFile(dir.resolve(ExerciseCells.CELLS_JAR));
        Path grader = java.nio.file.Files.createFile(dir.resolve("conclab-grader.jar"));
        List<String> names = new ArrayList<>(), code = new ArrayList<>();
        List<Path> engineJars = new ArrayList<>();
        Registry registry = new Registry() {
            public void lineMagic(String name, String usage, LineMagic magic) { names.add("%" + name); }
            public void cellMagic(String name, String usage, CellMagic magic) { names.add("%%" + name); }
            public void startupCode(String java) { code.add(java); }
            public void engineJar(Path jar) { engineJars.add(jar); }
            public List<Path> classpath() { return List.of(grader, cells); }
        };
        new ExerciseCells().register(registry);
        assertEquals(List.of("%%solution", "%%answer", "%check", "%%check"), names);
        assertEquals(List.of(cells), engineJars, "only the small jar goes on the engine's class path, never the grader's");
        assertEquals(List.of("import static conclab.grader.cells.NotebookChecks.check;"), code);
    }

    @Test
    void withoutItsCellsJarThePluginSaysWhatIsMissing() {
        Registry registry = new Registry() {
            public void lineMagic(String name, String usage, LineMagic magic) {}
            public void cellMagic(String name, String usage, CellMagic magic) {}
            public void startupCode(String java) {}
            public void engineJar(Path jar) {}
            public List<Path> classpath() { return List.of(Path.of("/nowhere/conclab-grader.jar")); }
        };
        var e = assertThrows(IllegalStateException.class, () -> new ExerciseCells().register(registry));
        assertTrue(e.getMessage().contains(ExerciseCells.CELLS_JAR + " is missing"), e.getMessage());
    }

    @Test
    void aCheckOfNoSuchExerciseOrOfNoSolutionIsZeroPointsWithAReason() {
        ExerciseCells cells = new ExerciseCells();
        Recording ctx = new Recording();
        assertEquals(0, cells.check(ctx, "no-such-exercise"));
        assertTrue(ctx.shown.getFirst().startsWith("There is no exercise no-such-exercise."), ctx.shown.toString());
        assertEquals(0, cells.check(ctx, "safe-counter"));
        assertTrue(ctx.shown.get(1).startsWith("Run the solution cell of safe-counter first"), ctx.shown.toString());
    }

    @Test
    void aBrokenGraderIsReportedAsSuchNotAsAStoppedCheck() {
        Recording ctx = new Recording();
        RuntimeException broken = new UncheckedIOException(new java.io.IOException("no temporary folder"));
        assertSame(broken, assertThrows(RuntimeException.class, () -> ExerciseCells.runStoppable(ctx, () -> { throw broken; })));
    }

    @Test
    void aStoppedCellInterruptsTheCheckAndGivesNull() throws Exception {
        Recording ctx = new Recording();
        CountDownLatch running = new CountDownLatch(1), interrupted = new CountDownLatch(1);
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                running.await();
            } catch (InterruptedException e) {
                return;
            }
            ctx.stopping = true;
        });
        Outcome o = ExerciseCells.runStoppable(ctx, () -> {
            running.countDown();
            try {
                Thread.sleep(60_000);  // a check that would take long: only an interrupt ends it early
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return null;
        });
        assertNull(o);
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the check's thread was interrupted");
        stopper.join();
    }
}
