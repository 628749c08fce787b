package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void theCellsThatTryAnExerciseAreThoseThatUseWhatItsSolutionDeclares() throws Exception {
        NotebookFile nb = NotebookFile.parse(NotebookFileTest.notebook(
                "Counter c = null; // before the solution: not tried",
                "%%solution safe-counter\nclass Counter {\n    void hit() {\n        // BEGIN SOLUTION\n        // END SOLUTION\n    }\n}\nstatic Counter make() { return new Counter(); }",
                "%check safe-counter",
                "make().hit();",
                "void demo(int n) {\n    for (int i = 0; i < n; i++) new Counter().hit();\n}",
                "System.out.println(\"nothing of it\");",
                "%%time\ndemo(3);",
                "int made = 1; // a name that only begins like one of them"), "t.ipynb");
        assertEquals(List.of(3, 4, 6), TriedCells.in(nb.cells()));
        nb.cells().get(2).json().add("metadata", com.google.gson.JsonParser.parseString("{\"nbgrader\": {\"points\": 6}}"));
        NotebookFile student = Release.student(nb, "t.ipynb");
        for (NotebookFile.Cell c : student.cells()) {
            boolean tagged = c.json().has("metadata") && c.json().getAsJsonObject("metadata").has("tags")
                    && c.json().getAsJsonObject("metadata").getAsJsonArray("tags").toString().contains(Release.RAISES_EXCEPTION);
            assertEquals(List.of(3, 4, 6).contains(c.index()), tagged, "cell " + c.index());
        }
    }

    @Test
    void declarationsAreTopLevelTypesMethodsAndVariables() {
        assertEquals(java.util.Set.of("A", "R", "f", "xs", "v", "m", "max", "quiet", "flag"), TriedCells.declared("""
                class A { int inner() { return 1; } }
                public record R(int x) {}
                static <T> List<T> f(T t) { return List.of(t); }
                static <T extends Comparable<T>> T max(T a, T b) { return a; }
                @SuppressWarnings("unchecked") static void quiet() {}
                volatile boolean flag = false;
                assert flag;
                List<Map<String, Integer>> xs = new ArrayList<>();
                var v = 1;
                int m(int a) {
                    if (a > 0) return 1;
                    return 0;
                }
                if (v > 0) System.out.println();
                for (int i = 0; i < 2; i++) {}
                """));
    }

    /**
     * In 11.7's student version, the cell after the check that runs the learner's AsCompleted (it threw "exercise not
     * done yet" in a run of that version) is tagged; no cell of a notebook without an exercise is.
     */
    @Test
    void inTheCourseTheCellsThatRunALearnersSolutionAreTagged() throws Exception {
        Path course = Path.of(System.getProperty("conclab.project"), "notebooks");
        NotebookFile pools = Release.student(NotebookFile.read(course.resolve("11-threads-and-processes/11.7-thread-pools.ipynb")), "11.7");
        List<NotebookFile.Cell> tagged = pools.cells().stream().filter(c -> c.json().getAsJsonObject("metadata").has("tags")
                && c.json().getAsJsonObject("metadata").getAsJsonArray("tags").toString().contains(Release.RAISES_EXCEPTION)).toList();
        assertTrue(!tagged.isEmpty(), "no cell of 11.7 tries as-completed");
        for (NotebookFile.Cell c : tagged) assertTrue(c.source().contains("AsCompleted"), c.source());
        NotebookFile start = NotebookFile.read(course.resolve("00-start-here.ipynb"));
        assertEquals(List.of(), TriedCells.in(start.cells()));
    }

    /**
     * A learner's copy must compile as it is: a stub followed by code in the same block ("unreachable statement")
     * stops Run All at the solution cell. Each student solution cell is compiled as the checker compiles a
     * solution, in this JVM.
     */
    @Test
    void everyStudentSolutionCellCompiles(@TempDir Path dir) throws Exception {
        Path course = Path.of(System.getProperty("conclab.project"), "notebooks");
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        int compiled = 0;
        try (var files = javac.getStandardFileManager(null, null, null)) {
            for (Path file : Release.notebooks(course)) {
                NotebookFile student = Release.student(NotebookFile.read(file), file.getFileName().toString());
                for (NotebookFile.Cell c : student.cells()) {
                    if (c.role() != NotebookFile.Role.SOLUTION) continue;
                    Path source = Files.createDirectories(dir.resolve(c.exercise())).resolve("Solution.java");
                    Files.writeString(source, Sources.prepare(c.body()));
                    List<String> options = new java.util.ArrayList<>(List.of("-proc:none", "-nowarn", "-d",
                            dir.resolve(c.exercise()).toString(), "-cp", System.getProperty("java.class.path"),
                            "--release", Checker.RELEASE));
                    if (Catalog.get().find(c.exercise()).preview()) options.add("--enable-preview");
                    var errors = new java.io.StringWriter();
                    boolean ok = javac.getTask(errors, files, null, options, null, files.getJavaFileObjects(source)).call();
                    assertTrue(ok, file.getFileName() + ", " + c.exercise() + ": the student version does not compile:\n" + errors);
                    compiled++;
                }
            }
        }
        assertTrue(compiled >= 20, compiled + " solution cells");
    }

    @Test
    void theDataFilesOfTheNotebooksComeAlongAndAWorkspaceKeepsItsOwn(@TempDir Path dir) throws Exception {
        Path course = Path.of(System.getProperty("conclab.project"), "notebooks");
        Path data = Path.of("12-coroutines-and-async-io", "data", "c10k-results.json");
        assertTrue(Release.dataFiles(course).contains(course.resolve(data)), Release.dataFiles(course).toString());
        assertTrue(Release.dataFiles(course).stream().noneMatch(p -> p.toString().endsWith(".ipynb")));
        Release.copyData(course, dir, true);
        assertEquals(Files.readString(course.resolve(data)), Files.readString(dir.resolve(data)));
        Files.writeString(dir.resolve(data), "{}");
        Release.copyData(course, dir, true);
        assertEquals("{}", Files.readString(dir.resolve(data)), "a workspace's own file is kept");
        Release.copyData(course, dir, false);
        assertEquals(Files.readString(course.resolve(data)), Files.readString(dir.resolve(data)), "a release is made anew");
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
