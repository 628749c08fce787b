package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReleaseTest {
    @Test
    void eachSolutionRegionBecomesOneThrowAtItsIndentation() throws Exception {
        String body = """
                class A {
                    int f() {
                        // BEGIN SOLUTION
                        int x = 1;
                        return x;
                        // END SOLUTION
                    }
                    void g() {
                      // BEGIN SOLUTION
                      System.out.println();
                      // END SOLUTION
                    }
                }""";
        assertEquals("""
                class A {
                    int f() {
                        throw new UnsupportedOperationException("exercise not done yet");
                    }
                    void g() {
                      throw new UnsupportedOperationException("exercise not done yet");
                    }
                }""", Release.stub(body, "nb", "a"));
    }

    @Test
    void unbalancedOrMissingRegionsAreReportedWithTheirLine() {
        var e = assertThrows(Release.Invalid.class, () -> Release.stub("x\n// BEGIN SOLUTION\ny", "nb.ipynb", "a"));
        assertTrue(e.getMessage().contains("never ended"), e.getMessage());
        e = assertThrows(Release.Invalid.class, () -> Release.stub("x\n// END SOLUTION", "nb.ipynb", "a"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("without"), e.getMessage());
        e = assertThrows(Release.Invalid.class, () -> Release.stub("class A {}", "nb.ipynb", "a"));
        assertTrue(e.getMessage().contains("has no // BEGIN SOLUTION region"), e.getMessage());
    }

    @Test
    void validationFindsWrongPointsUnknownExercisesAndMissingChecks() throws Exception {
        NotebookFile nb = NotebookFile.parse(NotebookFileTest.notebook("%%solution safe-counter\nclass SafeCounter {}",
                "%%solution no-such-exercise\nx"), "t.ipynb");
        var e = assertThrows(Release.Invalid.class, () -> Release.validate(nb, "t.ipynb"));
        assertTrue(e.getMessage().contains("no-such-exercise, which is not in the catalog"), e.getMessage());
        assertTrue(e.getMessage().contains("safe-counter has no check cell"), e.getMessage());

        NotebookFile points = NotebookFile.parse(NotebookFileTest.notebook("%%solution safe-counter\nclass SafeCounter {}",
                "%check safe-counter"), "t.ipynb");
        e = assertThrows(Release.Invalid.class, () -> Release.validate(points, "t.ipynb"));
        assertTrue(e.getMessage().contains("has nbgrader points -1, the exercise is worth 6"), e.getMessage());
    }

    /** Every course notebook is releasable: regions balanced, points right, every exercise checked. */
    @Test
    void theCourseNotebooksAreValid() throws Exception {
        Path course = Path.of(System.getProperty("conclab.project"), "notebooks");
        int exercises = 0;
        for (Path file : Release.notebooks(course)) {
            NotebookFile nb = NotebookFile.read(file);
            Release.validate(nb, file.getFileName().toString());
            exercises += nb.exercises().size();
            NotebookFile student = Release.student(NotebookFile.read(file), file.getFileName().toString());
            for (NotebookFile.Cell c : student.cells()) {
                assertTrue(!c.source().contains("BEGIN SOLUTION"), file + ": a solution region is left in the release");
            }
        }
        assertTrue(exercises >= 6, "the course has " + exercises + " exercises");
    }
}
