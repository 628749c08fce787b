package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The calibration, once: every reference solution passes all its properties, and every known-wrong version
 * fails, by its tests, each property it names. One test per version, named "exercise version", so that a
 * report names the version that missed. ({@code ./conclab calibrate --repeat 20} runs it 20 times.)
 *
 * <p>It checks as {@code ./conclab grade} does: warm compilers (one per check running at once) and test JVMs started
 * from the AOT cache, made first for the classpath as the distribution has it (jars). That is also the quicker way:
 * CI runs this test on two cores.
 */
class CalibrationTest {
    /**
     * Three checks at a time: most checks wait on latches and bounded waits, and the build should not take ages. Every
     * check that measures CPU time must hold under that load. (Read-fully's no-spinning did not while it compared the
     * reader's CPU time only with a spinner's; since 2026-12-05 more than a twentieth of the wall time also counts.)
     */
    private static final ExecutorService pool = Executors.newFixedThreadPool(3);

    @TempDir
    static Path jars;
    private static Calibrate calibrate;

    @AfterAll
    static void shutdown() {
        pool.shutdownNow();
        if (calibrate != null) calibrate.close(); // waits for a compile under way, if any
    }

    @TestFactory
    Stream<DynamicTest> referencesPassAndWrongVersionsAreCaught() throws Exception {
        Path project = Path.of(System.getProperty("conclab.project"));
        var refs = Calibrate.references(project.resolve("notebooks"));
        // -Dconclab.calibration.exercises=NAME,...: only these (a maintainer's quick run); every exercise by default
        List<String> only = List.of(System.getProperty("conclab.calibration.exercises", "").split(",")).stream()
                .filter(n -> !n.isBlank()).toList();
        List<Calibrate.Version> versions = new ArrayList<>();
        for (Exercise ex : Catalog.get().all()) {
            if (ex.isQuiz() || (!only.isEmpty() && !only.contains(ex.name()))) continue;
            versions.add(refs.get(ex.name()));
            versions.addAll(Calibrate.wrong(project.resolve("grader/calibration"), ex.name()));
        }
        // -Dconclab.grader.cold=true: check as a notebook's check does instead (a compiler JVM per check, no cache)
        if (Boolean.getBoolean("conclab.grader.cold")) {
            calibrate = new Calibrate(Checker.here());
        } else {
            Checker checker = new Checker(Path.of(System.getProperty("java.home")), Jarred.classpath(jars)).withAotCacheIn(jars.resolve("aot"));
            assertTrue(checker.aotCache().make(), "the test JVMs' AOT cache");
            calibrate = new Calibrate(checker, true);
        }
        // Every check is submitted now, so that three run while the tests below wait for theirs in order.
        List<Future<Calibrate.Tally>> tallies = versions.stream().map(v -> pool.submit(() -> calibrate.tally(v, 1))).toList();
        System.out.println(Calibrate.header());
        return IntStream.range(0, versions.size()).mapToObj(i -> DynamicTest.dynamicTest(
                versions.get(i).exercise() + " " + versions.get(i).name(), () -> {
            Calibrate.Tally t = tallies.get(i).get();
            String row = Calibrate.row(t);
            System.out.println(row);
            assertEquals(t.runs(), t.held(), row);
        }));
    }
}
