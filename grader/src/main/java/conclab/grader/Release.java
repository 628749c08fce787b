package conclab.grader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Makes student versions of the course notebooks: every {@code // BEGIN SOLUTION} ... {@code // END SOLUTION}
 * region of a solution cell becomes one {@code throw} of "exercise not done yet" (so the class still
 * compiles), every quiz answer becomes {@code ?}, and outputs are cleared. Hidden tests are never in a
 * notebook, so nothing else needs removing. The cells that try an exercise ({@link TriedCells}) are tagged
 * {@code raises-exception}: they throw until the exercise is done, and with the tag JupyterLab's Run All goes on
 * past them to the rest of the lecture (in the course's own notebooks the tag means "must fail", and the tests hold
 * those cells to it; in a student version it means "may fail").
 *
 * <p>Before writing anything, each notebook is checked: every exercise it names is in the catalog, every
 * solution cell has a region, regions are balanced, every check cell's nbgrader {@code points} are the
 * exercise's points. A notebook that fails a check is reported and not written.
 */
final class Release {
    static final String BEGIN = "// BEGIN SOLUTION";
    static final String END = "// END SOLUTION";
    static final String STUB = "throw new UnsupportedOperationException(\"exercise not done yet\");";
    /** The tag with which JupyterLab's Run All goes on after a cell that fails. */
    static final String RAISES_EXCEPTION = "raises-exception";

    private Release() {}

    /** A notebook that cannot be released, with the reason. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** The notebooks under {@code dir}, sorted, outside checkpoint folders. */
    static List<Path> notebooks(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".ipynb"))
                    .filter(p -> !p.toString().contains(".ipynb_checkpoints"))
                    .sorted().toList();
        }
    }

    /**
     * The files that notebooks read (such as 12.11's {@code data/c10k-results.json}): those in a folder named
     * {@code data} under {@code dir}, less hidden ones. Nothing else is copied, so that an editor's backup of an
     * instructor notebook or an authors' guide never reaches a learner. Sorted.
     */
    static List<Path> dataFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path rel = dir.relativize(p);
                        for (Path part : rel) if (part.toString().startsWith(".")) return false;
                        for (int i = 0; i < rel.getNameCount() - 1; i++) if (rel.getName(i).toString().equals("data")) return true;
                        return false;
                    })
                    .sorted().toList();
        }
    }

    /**
     * Copies {@link #dataFiles} of {@code from} into the same places under {@code to}, so that a student version
     * reads what its notebook reads; with {@code keep}, a file already there is left alone (a learner's workspace).
     */
    static void copyData(Path from, Path to, boolean keep) throws IOException {
        for (Path file : dataFiles(from)) {
            Path target = to.resolve(from.relativize(file).toString());
            if (keep && Files.exists(target)) continue;
            Files.createDirectories(target.getParent());
            Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The student version of a notebook. */
    static NotebookFile student(NotebookFile instructor, String name) throws Invalid {
        validate(instructor, name);
        for (NotebookFile.Cell c : instructor.cells()) {
            if (c.role() == NotebookFile.Role.SOLUTION) {
                instructor.setSource(c.index(), firstLine(c.source()) + "\n" + stub(c.body(), name, c.exercise()));
            } else if (c.role() == NotebookFile.Role.ANSWER) {
                instructor.setSource(c.index(), firstLine(c.source()) + "\n" + Quiz.UNANSWERED);
            }
        }
        for (int tried : TriedCells.in(instructor.cells())) instructor.addTag(tried, RAISES_EXCEPTION);
        Update.recordGiven(instructor); // so that ./conclab update can tell a learner's change from the course's
        instructor.clearOutputs();
        return instructor;
    }

    /** A solution cell's body with its solution regions replaced by the stub. */
    static String stub(String body, String notebook, String exercise) throws Invalid {
        StringBuilder out = new StringBuilder();
        boolean inside = false, any = false;
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i], t = line.strip();
            if (t.equals(BEGIN)) {
                if (inside) throw new Invalid(where(notebook, exercise, i) + BEGIN + " inside another solution region");
                inside = any = true;
                String indent = line.substring(0, line.indexOf('/'));
                out.append(indent).append(STUB).append('\n');
            } else if (t.equals(END)) {
                if (!inside) throw new Invalid(where(notebook, exercise, i) + END + " without " + BEGIN);
                inside = false;
            } else if (!inside) {
                out.append(line).append(i < lines.length - 1 ? "\n" : "");
            }
        }
        if (inside) throw new Invalid(where(notebook, exercise, lines.length) + BEGIN + " is never ended by " + END);
        if (!any) throw new Invalid("in " + notebook + ", the solution cell of " + exercise + " has no " + BEGIN + " region");
        return out.toString();
    }

    private static String where(String notebook, String exercise, int bodyIndex) {
        return "in " + notebook + ", solution cell of " + exercise + ", line " + (bodyIndex + NotebookFile.Cell.BODY_LINE) + ": ";
    }

    private static String firstLine(String source) {
        int nl = source.indexOf('\n');
        return nl < 0 ? source : source.substring(0, nl);
    }

    /** Checks the exercise cells of an instructor notebook against the catalog. */
    static void validate(NotebookFile nb, String name) throws Invalid {
        List<String> problems = new ArrayList<>();
        Catalog catalog = Catalog.get();
        List<String> answered = new ArrayList<>(), checked = new ArrayList<>();
        for (NotebookFile.Cell c : nb.cells()) {
            if (c.role() == null) continue;
            Exercise ex = catalog.find(c.exercise());
            if (ex == null) {
                problems.add("cell " + (c.index() + 1) + " names exercise " + c.exercise() + ", which is not in the catalog");
                continue;
            }
            switch (c.role()) {
                case SOLUTION -> {
                    answered.add(ex.name());
                    if (ex.isQuiz()) problems.add(ex.name() + " is a quiz: its answer cell starts with %%answer");
                }
                case ANSWER -> {
                    answered.add(ex.name());
                    if (!ex.isQuiz()) problems.add(ex.name() + " is code: its cell starts with %%solution");
                }
                case CHECK -> {
                    checked.add(ex.name());
                    int points = nbgraderPoints(c);
                    if (points != ex.maxPoints(Scope.ALL)) {
                        problems.add("the check cell of " + ex.name() + " has nbgrader points " + points
                                + ", the exercise is worth " + ex.maxPoints(Scope.ALL));
                    }
                }
            }
        }
        for (String a : answered) if (!checked.contains(a)) problems.add(a + " has no check cell (%check " + a + ")");
        for (String c : checked) if (!answered.contains(c)) problems.add(c + " is checked but has no solution or answer cell");
        if (!problems.isEmpty()) throw new Invalid(name + ": " + String.join("; ", problems));
    }

    private static int nbgraderPoints(NotebookFile.Cell c) {
        var md = c.json().getAsJsonObject("metadata");
        if (md == null || !md.has("nbgrader")) return -1;
        var nb = md.getAsJsonObject("nbgrader");
        return nb.has("points") ? (int) Math.round(nb.get("points").getAsDouble()) : -1;
    }

    /**
     * Writes the student version of each notebook under {@code from} into the same place under {@code to};
     * with {@code keep}, a notebook already there is left alone (a learner's workspace).
     *
     * @return the problems found, one line each (empty when all went well)
     */
    static List<String> run(Path from, List<Path> notebooks, Path to, boolean keep) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : notebooks) {
            Path rel = from.relativize(file.toAbsolutePath().normalize());
            Path target = to.resolve(rel.toString());
            if (keep && Files.exists(target)) continue;
            try {
                student(NotebookFile.read(file), rel.toString()).write(target);
            } catch (NotebookFile.Unreadable | Invalid e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
