package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The calibration, once: every reference solution passes all its properties, and every known-wrong version
 * fails, by its tests, each property it names. (./conclab calibrate --repeat 20 runs it 20 times.)
 */
class CalibrationTest {
    @Test
    void referencesPassAndWrongVersionsAreCaught() throws Exception {
        Path project = Path.of(System.getProperty("conclab.project"));
        var refs = Calibrate.references(project.resolve("notebooks"));
        List<Calibrate.Version> versions = new ArrayList<>();
        for (Exercise ex : Catalog.get().all()) {
            if (ex.isQuiz()) continue;
            versions.add(refs.get(ex.name()));
            versions.addAll(Calibrate.wrong(project.resolve("grader/calibration"), ex.name()));
        }
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        // Two at a time: most checks wait on latches and bounded waits, and the build should not take ages.
        boolean held = new Calibrate(Checker.here()).run(versions, 1, 2, new PrintStream(table, true, StandardCharsets.UTF_8));
        String report = Calibrate.header() + "\n" + table.toString(StandardCharsets.UTF_8);
        System.out.println(report);
        assertTrue(held, report);
    }
}
