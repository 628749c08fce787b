package conclab.kernel;

import conclab.kernel.api.ClasspathPatterns;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jshell.SourceCodeAnalysis;

/**
 * A notebook's code cells as a {@code jshell} script: what {@code ./conclab export} writes (see
 * {@link NotebookExport}).
 *
 * <p>The script is the cells in order, each under a {@code // ---- cell N} line, between a head and
 * {@code /exit}. The head says how to run it, lists what jshell lacks, imports what a notebook's cells see
 * ({@link JShellCommand#imports()}), and defines the stubs the cells need, once (see {@link ScriptStub}). Then:
 * <ul>
 * <li>Magics with an equivalent are translated: {@code %classpath add} becomes {@code /env --class-path} at the
 *     top (there, because {@code /env} replays every snippet before it), {@code %load} becomes {@code /open},
 *     {@code %%time} times its body with a stub, {@code %threads stop} interrupts the cells' threads with a stub,
 *     {@code %%solution NAME} keeps its code as it is.</li>
 * <li>Magics without one are commented out with a {@code // [conclab export] not in jshell: ...} note that says
 *     what the learner misses: the tables of {@code %threads} and {@code %deadlocks}, the checks
 *     ({@code %check}, {@code %%check}, {@code %%answer}, whose body is not Java), {@code %%timeout} (the whole
 *     cell, which would run forever), and any magic the export does not know.</li>
 * <li>{@code display}, {@code updateDisplay} and {@code clearOutput} are stubs that print a value's text form;
 *     a cell's value (its last expression, written without a closing semicolon) is shown with
 *     {@code display(...)}, because jshell shows no values while it runs a script file.</li>
 * <li>A cell that calls {@code System.exit} is commented out: jshell would stop reading the script there.</li>
 * <li>A snippet that jshell, reading line by line, would cut early (a fluent chain) is mended
 *     ({@link ScriptLines}).</li>
 * </ul>
 * Each omission is recorded as an {@link Omission}; one that changes what later cells do makes the script
 * run differently from the notebook ({@link #runsAsTheNotebook()}), which the head says in its last line.
 *
 * <p>A known difference that is not an omission: jshell goes on after a snippet fails, also with the rest of
 * that cell, where the notebook stops the cell at its first error. And a cell whose last line is a {@code void}
 * method call without its semicolon becomes a compile error ({@code display} of nothing).
 */
final class JshellScript {
    /** The head's line that says whether the script runs as the notebook does: tests read it. */
    static final String RUNS_AS_THE_NOTEBOOK = "// [conclab export] runs as the notebook: ";
    /** How every note of the export starts. */
    static final String NOTE = "// [conclab export] ";

    /** One code cell: its number among all the notebook's cells (from 1), its source, its tag. */
    record CodeCell(int number, String source, boolean raisesException) {}

    /**
     * Something of the notebook that the script leaves out. {@code changesLaterCells}: without it, the script
     * does not do what the notebook does (a cell left out, threads left running), as opposed to showing less.
     */
    record Omission(int cell, String what, boolean changesLaterCells) {}

    /** The cell magics whose body the script runs; the others' cells are left out, commented. */
    private static final Set<String> RUN_CELL_MAGICS = Set.of("solution", "time", BuiltinMagics.LINUX_ONLY);
    private static final Pattern EXIT = Pattern.compile("\\b(System\\.exit|Runtime\\.getRuntime\\(\\)\\s*\\.\\s*halt)\\s*\\(");
    private static final Pattern DISPLAY_CALL = Pattern.compile("(?<![\\w.])(display|updateDisplay|clearOutput)\\s*\\(");
    private static final Pattern KERNEL_CALL = Pattern.compile("(?<![\\w.])(magic|check)\\s*\\(\\s*\"");

    /**
     * Where the script is made for: the notebook's folder, where its relative paths start ({@code %classpath add
     * lib/*.jar}); the course's class path, which {@code /env --class-path} must repeat; the head's lines on how to
     * run the script (without comment marks).
     */
    record Setting(Path notebookFolder, List<String> courseClasspath, List<String> howToRun) {}

    private final SourceCodeAnalysis analysis;
    private final Setting setting;
    private final StringBuilder body = new StringBuilder();
    private final List<String> classpath = new ArrayList<>();
    private final List<Omission> omissions = new ArrayList<>();
    private final Set<ScriptStub> stubs = EnumSet.noneOf(ScriptStub.class);

    private JshellScript(SourceCodeAnalysis analysis, Setting setting) {
        this.analysis = analysis;
        this.setting = setting;
    }

    /** The finished script: its text and what it left out. */
    record Script(String text, List<Omission> omissions) {
        /** True if nothing left out changes what later cells do: the script runs as the notebook does. */
        boolean runsAsTheNotebook() {
            return omissions.stream().noneMatch(Omission::changesLaterCells);
        }
    }

    /**
     * Translates {@code cells} of the notebook {@code notebookName} into a script made for {@code setting}.
     * {@code analysis} splits cells into snippets as JShell does; nothing is run.
     */
    static Script translate(String notebookName, List<CodeCell> cells, Setting setting, SourceCodeAnalysis analysis) {
        JshellScript s = new JshellScript(analysis, setting);
        for (CodeCell cell : cells) s.cell(cell);
        return new Script(s.head(notebookName) + s.body + "\n/exit\n", List.copyOf(s.omissions));
    }

    // ------------------------------------------------------------------ cells

    private void cell(CodeCell cell) {
        body.append("\n// ---- cell ").append(cell.number()).append('\n');
        List<Magics.Part> parts = Magics.parse(cell.source());
        boolean exits = EXIT.matcher(cell.source()).find();
        boolean leftOut = exits || !parts.isEmpty() && parts.getFirst() instanceof Magics.Cell magic
                && !RUN_CELL_MAGICS.contains(magic.name());
        if (cell.raisesException() && !leftOut) {
            body.append(NOTE).append("this cell fails on purpose (tagged raises-exception): jshell reports the error and goes on,\n")
                    .append(NOTE).append("with the rest of the cell too (the notebook stops the cell at its first error)\n");
        }
        if (exits) {
            leaveOut(cell, "System.exit ends jshell's reading of the script here (in the notebook, only the engine ends"
                    + " and the next cell starts a new one)", true);
            return;
        }
        for (int i = 0; i < parts.size(); i++) {
            boolean last = i == parts.size() - 1;
            switch (parts.get(i)) {
                case Magics.Code code -> code(cell, code.code(), last);
                case Magics.Line line -> lineMagic(cell, line);
                case Magics.Cell magic -> cellMagic(cell, magic);
            }
        }
    }

    private void lineMagic(CodeCell cell, Magics.Line magic) {
        String written = "%" + magic.name() + (magic.args().isEmpty() ? "" : " " + String.join(" ", magic.args()));
        switch (magic.name()) {
            case "classpath" -> {
                if (magic.args().isEmpty()) {
                    body.append("// ").append(written).append(": jshell's /env lists the class path\n/env\n");
                } else {
                    for (String pattern : magic.args().subList(Math.min(1, magic.args().size()), magic.args().size())) {
                        List<String> found = ClasspathPatterns.expand(pattern, setting.notebookFolder());
                        classpath.addAll(found.isEmpty() ? List.of(pattern) : found);
                    }
                    body.append("// ").append(written).append(": done at the top of the script (/env --class-path)\n");
                }
            }
            case "load" -> body.append("// ").append(written).append('\n')
                    .append("/open ").append(String.join(" ", magic.args())).append('\n');
            case "threads" -> {
                if (magic.args().equals(List.of("stop"))) {
                    stubs.add(ScriptStub.THREADS);
                    body.append("// ").append(written).append(": interrupt the platform threads the cells started\n")
                            .append("NotebookStub.stopThreads(jshellThreads);\n");
                } else {
                    omit(cell, written, "the table of the threads your cells started (name, state, what each waits for)", false);
                }
            }
            case "deadlocks" -> omit(cell, written, "the cycle of threads that wait for each other's locks", false);
            case "check" -> omit(cell, written, "the check of the exercise (its table of properties and points):"
                    + " run the notebook's check cell, or ./conclab check " + String.join(" ", magic.args()) + " FILE", false);
            case "help" -> omit(cell, written, "the kernel's help (jshell's own is /help)", false);
            default -> omit(cell, written, "a magic the export does not know", true);
        }
    }

    private void cellMagic(CodeCell cell, Magics.Cell magic) {
        String written = "%%" + magic.name() + (magic.args().isEmpty() ? "" : " " + String.join(" ", magic.args()));
        switch (magic.name()) {
            case "solution" -> {
                body.append("// ").append(written).append(": the exercise's solution, as the notebook runs it\n");
                code(cell, magic.body(), true);
            }
            case "time" -> {
                stubs.add(ScriptStub.TIME);
                body.append("// ").append(written).append(": timed by a stub (wall and CPU time, not the peak of live threads)\n")
                        .append("NotebookStub.startTime();\n");
                code(cell, magic.body(), true);
                body.append("NotebookStub.printTime();\n");
            }
            case BuiltinMagics.LINUX_ONLY -> {
                body.append("// ").append(written).append(" (Linux only: the notebook runs this cell on Linux alone)\n");
                code(cell, magic.body(), true);
            }
            case "timeout" -> leaveOutBody(cell, magic, "the notebook stops this cell after " + String.join(" ", magic.args())
                    + "; jshell has no time limit, so the cell is left out (paste it into jshell, Ctrl-C stops it)", true);
            case "check" -> leaveOutBody(cell, magic, "the check of this code as a solution (the notebook neither runs"
                    + " nor keeps it either)", false);
            case "answer" -> leaveOutBody(cell, magic, "the answer to a quiz question (not Java), checked by the"
                    + " notebook's check cell", false);
            default -> leaveOutBody(cell, magic, "a cell magic the export does not know", true);
        }
    }

    /** Java code of a cell; {@code endsCell}: its last expression, if written without a semicolon, is the value. */
    private void code(CodeCell cell, String code, boolean endsCell) {
        if (DISPLAY_CALL.matcher(code).find()) stubs.add(ScriptStub.DISPLAY);
        if (KERNEL_CALL.matcher(code).find()) {
            stubs.add(ScriptStub.KERNEL_CALLS);
            omissions.add(new Omission(cell.number(), "magic(...) or check(...): they need the conclab kernel (the stubs throw)", true));
        }
        String shown = endsCell ? CellValue.shown(code, analysis) : code;
        if (!shown.equals(code)) stubs.add(ScriptStub.DISPLAY);
        body.append(ScriptLines.unbroken(shown, analysis).stripTrailing()).append('\n');
    }

    private void omit(CodeCell cell, String written, String missed, boolean changesLaterCells) {
        body.append(NOTE).append("not in jshell: ").append(written).append(": ").append(missed).append('\n');
        omissions.add(new Omission(cell.number(), written + ": " + missed, changesLaterCells));
    }

    private void leaveOutBody(CodeCell cell, Magics.Cell magic, String missed, boolean changesLaterCells) {
        String written = "%%" + magic.name() + (magic.args().isEmpty() ? "" : " " + String.join(" ", magic.args()));
        omit(cell, written, missed, changesLaterCells);
        commentedOut(magic.body());
    }

    private void leaveOut(CodeCell cell, String why, boolean changesLaterCells) {
        body.append(NOTE).append("not in jshell: this cell: ").append(why).append('\n');
        omissions.add(new Omission(cell.number(), "the cell: " + why, changesLaterCells));
        commentedOut(cell.source());
    }

    private void commentedOut(String text) {
        for (String line : text.stripTrailing().split("\n", -1)) body.append("// ").append(line).append('\n');
    }

    // ------------------------------------------------------------------ the head

    private String head(String notebookName) {
        StringBuilder h = new StringBuilder();
        h.append("// ").append(notebookName).append(": its code cells as a jshell script, written by ./conclab export.\n//\n");
        for (String line : setting.howToRun()) h.append(line.isEmpty() ? "//" : "// " + line).append('\n');
        h.append("//\n");
        if (omissions.isEmpty()) {
            h.append("// jshell runs every cell; nothing of the notebook is left out.\n");
        } else {
            h.append("// What jshell has no equivalent for (commented out below, with a note):\n");
            for (Omission o : omissions) {
                h.append("//   cell ").append(o.cell()).append(": ").append(o.what())
                        .append(o.changesLaterCells() ? " (changes what follows)" : "").append('\n');
            }
        }
        Script probe = new Script("", omissions);
        h.append(RUNS_AS_THE_NOTEBOOK).append(probe.runsAsTheNotebook() ? "yes" : "no").append("\n\n");
        if (!classpath.isEmpty()) {
            List<String> all = new ArrayList<>(setting.courseClasspath());
            all.addAll(classpath);
            h.append("// %classpath add, from the cells below; /env replaces jshell's class path, so the course's comes first\n")
                    .append("/env --class-path ").append(String.join(File.pathSeparator, all)).append("\n\n");
        }
        h.append("// What every cell of a notebook sees\n").append(JShellCommand.imports());
        h.append(ScriptStub.code(stubs));
        return h.toString();
    }
}
