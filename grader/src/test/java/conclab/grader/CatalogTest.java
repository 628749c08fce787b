package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogTest {
    private static final Path PROJECT = Path.of(System.getProperty("conclab.project"));

    /** Every code exercise has a reference in a notebook and wrong versions whose properties exist. */
    @Test
    void everyCodeExerciseIsCalibrated() throws Exception {
        Map<String, Calibrate.Version> refs = Calibrate.references(PROJECT.resolve("notebooks"));
        for (Exercise ex : Catalog.get().all()) {
            if (ex.isQuiz()) continue;
            assertNotNull(refs.get(ex.name()), ex.name() + " has no solution cell in any notebook");
            var wrong = Calibrate.wrong(PROJECT.resolve("grader/calibration"), ex.name());
            assertFalse(wrong.isEmpty(), ex.name() + " has no known-wrong version in grader/calibration");
            for (var v : wrong) {
                for (String id : v.mustFail()) {
                    assertTrue(ex.props().stream().anyMatch(p -> p.id().equals(id)),
                            ex.name() + "/" + v.name() + " names no property " + id);
                }
            }
            for (boolean hidden : new boolean[] {false, true}) {
                for (String file : ex.tests(hidden)) assertFalse(ex.testSource(hidden, file).isBlank());
            }
        }
    }

    /** Each kind the course promises exists: stress, model checking, deadlock, busy wait, quiz. */
    @Test
    void oneExerciseOfEachKind() throws Exception {
        String all = String.join("\n", Catalog.get().all().stream().filter(e -> !e.isQuiz())
                .flatMap(e -> java.util.stream.Stream.of(false, true).flatMap(h -> e.tests(h).stream().map(f -> e.testSource(h, f))))
                .toList());
        for (String probe : new String[] {"Stress.", "ModelCheck.", "Liveness.", ".watch("}) {
            assertTrue(all.contains(probe), "no exercise uses " + probe);
        }
        assertTrue(Catalog.get().all().stream().anyMatch(Exercise::isQuiz));
    }
}
