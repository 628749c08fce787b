package conclab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./conclab export}: how each kind of cell becomes jshell script, and the command's answers to bad input. */
class NotebookExportTest {
    private static JShell shell;
    private static SourceCodeAnalysis analysis;

    @BeforeAll
    static void analysis() {
        shell = JShell.builder().executionEngine("local").build();
        analysis = shell.sourceCodeAnalysis();
    }

    @AfterAll
    static void close() {
        shell.close();
    }

    private static JshellScript.Script translate(String... cells) {
        List<JshellScript.CodeCell> code = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) code.add(new JshellScript.CodeCell(i + 1, cells[i], false));
        return translate(code);
    }

    private static JshellScript.Script translate(List<JshellScript.CodeCell> cells) {
        JshellScript.Setting setting = new JshellScript.Setting(Path.of("/course/notebooks"), List.of("/course/lib.jar"),
                List.of("run it so"));
        return JshellScript.translate("test.ipynb", cells, setting, analysis);
    }

    /** The script's text after its head (from the first cell on). */
    private static String cells(JshellScript.Script script) {
        return script.text().substring(script.text().indexOf("\n// ---- cell ") + 1);
    }

    // ------------------------------------------------------------------ the script's frame

    @Test
    void theScriptSaysHowToRunItImportsWhatCellsSeeAndEndsWithExit() {
        JshellScript.Script script = translate("int x = 1;");
        String text = script.text();
        assertTrue(text.startsWith("// test.ipynb: its code cells as a jshell script"), text);
        assertTrue(text.contains("// run it so\n"), text);
        assertTrue(text.contains("import java.util.concurrent.*;\n"), text);
        assertFalse(text.contains("conclab.kernel.notebook"), "the kernel's display API is not on jshell's class path");
        assertTrue(text.endsWith("\n/exit\n"), text);
        assertTrue(text.contains(JshellScript.RUNS_AS_THE_NOTEBOOK + "yes\n"), text);
        assertFalse(text.contains("class NotebookStub"), "a script that needs no stub defines none");
    }

    @Test
    void plainCodeIsKeptAsItIs() {
        String code = "var counter = new AtomicInteger();\nfor (int i = 0; i < 3; i++) counter.incrementAndGet();\n";
        assertEquals("// ---- cell 1\n" + code + "\n/exit\n", cells(translate(code)));
    }

    // ------------------------------------------------------------------ values and display

    @Test
    void aCellsValueIsShownThroughTheDisplayStubDefinedOnce() {
        JshellScript.Script script = translate("int x = 41;\nx + 1", "x // the answer", "x\n// a comment after it");
        String cells = cells(script);
        assertTrue(cells.contains("display(x); // the cell's value\n// a comment after it\n"), cells);
        assertTrue(cells.contains("int x = 41;\ndisplay(x + 1); // the cell's value\n"), cells);
        assertTrue(cells.contains("display(x); // the cell's value // the answer\n"), cells);
        assertEquals(1, count(script.text(), "String display(Object value) {"), script.text());
        assertEquals(1, count(script.text(), "class NotebookStub"), script.text());
    }

    @Test
    void whatTheNotebookShowsNoValueOfStaysAsItIs() {
        for (String code : List.of("int x = 1", "x = 2", "x += 2", "counter.incrementAndGet();", "class A {}",
                "void f() {}")) {
            assertEquals("// ---- cell 1\n" + code + "\n\n/exit\n", cells(translate(code)), code);
        }
    }

    @Test
    void displayCallsGetTheStub() {
        JshellScript.Script script = translate("String id = display(\"starting\");\nupdateDisplay(id, \"done\");");
        assertTrue(script.text().contains("void updateDisplay(String displayId, Object value)"), script.text());
        assertTrue(script.runsAsTheNotebook());
    }

    @Test
    void aFluentChainIsLaidOutSoThatJshellDoesNotCutItAfterItsFirstLine() {
        String cells = cells(translate("""
                long n = LongStream.range(0, 10) // the numbers
                        .filter(i -> i % 2 == 0)
                        .count();
                String s = "a"
                        + "b";
                """));
        assertTrue(cells.contains("""
                long n = LongStream.range(0, 10). // the numbers
                        filter(i -> i % 2 == 0).
                        count();
                String s = "a" + "b";
                """), cells);
    }

    // ------------------------------------------------------------------ magics

    @Test
    void classpathAddBecomesEnvClassPathAtTheTopAfterTheCoursesOwn() {
        JshellScript.Script script = translate("int before = 1;", "%classpath add /opt/jars/a.jar /opt/jars/b.jar\nSystem.out.println(1);");
        String text = script.text();
        assertTrue(text.contains("\n/env --class-path /course/lib.jar:/opt/jars/a.jar:/opt/jars/b.jar\n"), text);
        assertTrue(text.indexOf("/env --class-path") < text.indexOf("int before = 1;"), "before any snippet, which /env would replay");
        assertTrue(cells(script).contains("// %classpath add /opt/jars/a.jar /opt/jars/b.jar: done at the top of the script"), text);
        assertTrue(script.runsAsTheNotebook());
    }

    @Test
    void loadBecomesOpen() {
        assertTrue(cells(translate("%load setup.jsh")).contains("// %load setup.jsh\n/open setup.jsh\n"));
    }

    @Test
    void timeTimesTheBodyWithTheStub() {
        JshellScript.Script script = translate("%%time\nlong n = 7;\nn");
        assertTrue(cells(script).contains("NotebookStub.startTime();\nlong n = 7;\ndisplay(n); // the cell's value\nNotebookStub.printTime();\n"),
                cells(script));
        assertTrue(script.text().contains("static void printTime()"), script.text());
        assertTrue(script.runsAsTheNotebook());
    }

    @Test
    void aLinuxOnlyCellRunsItsBodyAndSaysItIsLinuxOnly() {
        JshellScript.Script script = translate("%%linux-only macOS has no /proc\nlong pid = ProcessHandle.current().pid();\npid");
        assertTrue(cells(script).contains("// %%linux-only macOS has no /proc (Linux only: the notebook runs this cell on Linux alone)\n"
                + "long pid = ProcessHandle.current().pid();\ndisplay(pid); // the cell's value\n"), cells(script));
        assertTrue(script.runsAsTheNotebook());
    }

    @Test
    void threadsStopInterruptsTheCellsThreadsAndTheListingIsCommentedOut() {
        JshellScript.Script script = translate("%threads\n%threads stop");
        String cells = cells(script);
        assertTrue(cells.contains(JshellScript.NOTE + "not in jshell: %threads: the table of the threads"), cells);
        assertTrue(cells.contains("NotebookStub.stopThreads(jshellThreads);\n"), cells);
        assertTrue(script.text().contains("Set<Thread> jshellThreads = Set.copyOf(Thread.getAllStackTraces().keySet());"));
        assertTrue(script.runsAsTheNotebook(), "the table is output only");
        assertEquals(List.of(new JshellScript.Omission(1, "%threads: the table of the threads your cells started"
                + " (name, state, what each waits for)", false)), script.omissions());
    }

    @Test
    void exerciseCellsKeepTheSolutionAndCommentOutChecksAndAnswers() {
        JshellScript.Script script = translate("%%solution safe-counter\nclass Counter { int n; }", "%check safe-counter",
                "%%answer quiz-count-race\nB", "%%check safe-counter\nclass Counter { }");
        String cells = cells(script);
        assertTrue(cells.contains("// %%solution safe-counter: the exercise's solution, as the notebook runs it\nclass Counter { int n; }\n"), cells);
        assertTrue(cells.contains(JshellScript.NOTE + "not in jshell: %check safe-counter: the check of the exercise"), cells);
        assertTrue(cells.contains(JshellScript.NOTE + "not in jshell: %%answer quiz-count-race: the answer to a quiz question (not Java)"), cells);
        assertTrue(cells.contains("\n// B\n"), "the answer is commented out: " + cells);
        assertTrue(cells.contains("\n// class Counter { }\n"), "%%check's code is neither run nor kept: " + cells);
        assertTrue(script.runsAsTheNotebook(), "checks are output only");
        assertEquals(3, script.omissions().size());
    }

    @Test
    void aTimeoutCellIsLeftOutAndTheScriptDoesNotRunAsTheNotebook() {
        JshellScript.Script script = translate("%%timeout 2s\nlong turns = 0;\nwhile (true) turns++;", "turns");
        String cells = cells(script);
        assertTrue(cells.contains("// while (true) turns++;\n"), cells);
        assertFalse(script.runsAsTheNotebook());
        assertTrue(script.text().contains(JshellScript.RUNS_AS_THE_NOTEBOOK + "no\n"), script.text());
        assertTrue(script.text().contains("//   cell 1: %%timeout 2s: the notebook stops this cell after 2s"), script.text());
    }

    @Test
    void deadlocksHelpAndUnknownMagicsAreCommentedOutOnlyAnUnknownOneChangesWhatFollows() {
        assertTrue(translate("%deadlocks", "%help").runsAsTheNotebook());
        JshellScript.Script unknown = translate("%maven com.example:thing:1.0\nint x = 1;");
        assertFalse(unknown.runsAsTheNotebook());
        assertTrue(cells(unknown).contains(JshellScript.NOTE + "not in jshell: %maven com.example:thing:1.0: a magic the export does not know\nint x = 1;"),
                cells(unknown));
    }

    @Test
    void aCellThatExitsIsLeftOutBecauseJshellWouldStopReadingTheScript() {
        JshellScript.Script script = translate("System.exit(0);", "int after = 1;");
        assertTrue(cells(script).contains("// System.exit(0);\n"), cells(script));
        assertTrue(cells(script).contains("\nint after = 1;\n"), cells(script));
        assertFalse(script.runsAsTheNotebook());
    }

    @Test
    void magicAndCheckFromCodeGetStubsThatThrow() {
        JshellScript.Script script = translate("int points = check(\"safe-counter\");");
        assertTrue(script.text().contains("int check(String name) { throw new IllegalStateException("), script.text());
        assertFalse(script.runsAsTheNotebook());
    }

    @Test
    void aCellThatFailsOnPurposeIsKeptWithANote() {
        JshellScript.Script script = translate(List.of(new JshellScript.CodeCell(4, "List.of(1).get(3)", true)));
        assertEquals("// ---- cell 4\n" + JshellScript.NOTE + "this cell fails on purpose (tagged raises-exception): jshell reports the error and goes on,\n"
                + JshellScript.NOTE + "with the rest of the cell too (the notebook stops the cell at its first error)\n"
                + "display(List.of(1).get(3)); // the cell's value\n\n/exit\n", cells(script));
        assertTrue(script.runsAsTheNotebook());
    }

    // ------------------------------------------------------------------ the command

    @Test
    void theCommandWritesTheScriptBesideTheNotebook(@TempDir Path dir) throws IOException {
        Path notebook = notebook(dir.resolve("lecture.ipynb"), "java", "%%time\nint x = 1;", "x");
        Outcome outcome = run(List.of(notebook.toString()));
        assertEquals(0, outcome.code, outcome.err);
        String script = Files.readString(dir.resolve("lecture.jsh"));
        assertTrue(script.contains("// ---- cell 2\n") && !script.contains("// ---- cell 1\n"),
                "cells are numbered among all the notebook's cells, markdown too: " + script);
        assertTrue(script.contains("// ---- cell 3\ndisplay(x); // the cell's value\n"), script);
        assertTrue(outcome.out.startsWith("Wrote " + dir.resolve("lecture.jsh")), outcome.out);
        assertTrue(script.contains("cd " + dir + " && "), "run it from the notebook's folder: " + script);
    }

    @Test
    void badInputIsOneLineThatSaysWhatToDoExitCodeTwoAndNothingWritten(@TempDir Path dir) throws IOException {
        Path python = notebook(dir.resolve("python.ipynb"), "python", "print(1)");
        Path notJson = Files.writeString(dir.resolve("notes.ipynb"), "# not a notebook\n");
        Path java = notebook(dir.resolve("java.ipynb"), "java", "int x = 1;");
        assertBadInput(List.of(dir.resolve("missing.ipynb").toString()), "no notebook " + dir.resolve("missing.ipynb"));
        assertBadInput(List.of(notJson.toString()), "is not a Jupyter notebook");
        assertBadInput(List.of(python.toString()), "is a python notebook");
        assertBadInput(List.of(java.toString(), "--out", dir.resolve("nowhere/java.jsh").toString()), "does not exist: create it");
        assertBadInput(List.of(java.toString(), "--out", java.toString()), "--out names the notebook itself");
        assertBadInput(List.of(), "which notebook?");
        assertBadInput(List.of(java.toString(), "--verbose"), "unknown option --verbose");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("java.ipynb", "notes.ipynb", "python.ipynb"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing written, not even a temporary file");
        }
    }

    @Test
    void theScriptReplacesAnOldOneWhole(@TempDir Path dir) throws IOException {
        Path notebook = notebook(dir.resolve("n.ipynb"), "java", "int x = 1;");
        Path out = Files.writeString(dir.resolve("n.jsh"), "old");
        assertEquals(0, run(List.of(notebook.toString(), "--out", out.toString())).code);
        assertTrue(Files.readString(out).contains("int x = 1;"));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file is left");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void assertBadInput(List<String> args, String expected) {
        Outcome outcome = run(args);
        assertEquals(NotebookExport.BAD_INPUT, outcome.code, outcome.err);
        assertTrue(outcome.err.startsWith("conclab export: ") && outcome.err.contains(expected), outcome.err);
        assertEquals(1, outcome.err.strip().lines().count(), "one line: " + outcome.err);
        assertEquals("", outcome.out);
    }

    private record Outcome(int code, String out, String err) {}

    private static synchronized Outcome run(List<String> args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = NotebookExport.run(args);
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Writes a notebook: a markdown cell, then one code cell per source. */
    private static Path notebook(Path path, String language, String... sources) throws IOException {
        JsonArray cells = new JsonArray();
        JsonObject markdown = new JsonObject();
        markdown.addProperty("cell_type", "markdown");
        markdown.addProperty("source", "# A title");
        cells.add(markdown);
        for (String source : sources) {
            JsonObject cell = new JsonObject();
            cell.addProperty("cell_type", "code");
            JsonArray lines = new JsonArray();
            source.lines().forEach(line -> lines.add(line + "\n"));
            cell.add("source", lines);
            cell.add("metadata", new JsonObject());
            cells.add(cell);
        }
        JsonObject kernelspec = new JsonObject();
        kernelspec.addProperty("language", language);
        JsonObject metadata = new JsonObject();
        metadata.add("kernelspec", kernelspec);
        JsonObject notebook = new JsonObject();
        notebook.add("cells", cells);
        notebook.add("metadata", metadata);
        notebook.addProperty("nbformat", 4);
        return Files.writeString(path, notebook.toString());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }
}
