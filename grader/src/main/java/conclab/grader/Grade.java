package conclab.grader;

import conclab.grader.Outcome.Status;
import conclab.kernel.api.Html;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Grades a class: {@code SUBMISSIONS/STUDENT/...} mirrors the release, one folder per student. For every
 * student, every course notebook with exercises, and every exercise in it, the student's solution (or
 * answer) cell is checked with all tests, hidden ones included, each in a sandboxed JVM of its own.
 *
 * <p>Writes {@code SUBMISSIONS/grades.csv} (student, notebook, exercise, points, max, and the versions of the
 * course and the grader: {@link GradedBy}) and {@code SUBMISSIONS/feedback/STUDENT/NOTEBOOK.html}, which names
 * the versions too. A broken submission gets its points and a reason; it never stops the run or changes another's
 * result. A solution left as released is "not done" without running anything.
 *
 * <p>A regrade by other versions than the last grading's keeps the last {@code grades.csv} as
 * {@code grades-COURSE-GRADER.csv} (their versions) and says so: the points may differ, and both are at hand.
 *
 * <p>A class too big for one machine is graded in shards ({@link Shard}), each writing to a folder of its own, and
 * the shards' results are merged into what one machine writes ({@link ShardResults}).
 */
final class Grade {
    /** One graded exercise of one student's notebook. */
    record Row(String student, String notebook, String exercise, Outcome outcome, String problem) {
        int points() {
            return outcome == null ? 0 : outcome.points();
        }
    }

    /** An exercise of a course notebook: its name and the body the release gives (for "not done"). */
    record Expected(String exercise, String releasedBody) {}

    private final Checker checker;
    private final Path course;
    private final PrintStream progress;
    /** The versions of the course and the grader that grade now. */
    private final GradedBy gradedBy;
    /** Whether each student's checks compile with a compiler kept warm for that student ({@link WarmCompiler}). */
    private final boolean warm;

    /** Grades with {@code checker} against the course notebooks in {@code course}; progress and notices to {@code progress}. */
    Grade(Checker checker, Path course, PrintStream progress) {
        this(checker, course, progress, GradedBy.of(course.toAbsolutePath().getParent(), checker.classpath()));
    }

    Grade(Checker checker, Path course, PrintStream progress, GradedBy gradedBy) {
        this(checker, course, progress, gradedBy, true);
    }

    /**
     * @param warm whether each student's checks compile in a compiler JVM kept for that student, never another's
     *             (else each check starts a compiler JVM of its own); the outcomes are the same
     */
    Grade(Checker checker, Path course, PrintStream progress, GradedBy gradedBy, boolean warm) {
        this.checker = checker;
        this.course = course;
        this.progress = progress;
        this.gradedBy = gradedBy;
        this.warm = warm;
    }

    /** The course notebooks that have exercises: relative path to their exercises, in order. */
    Map<String, List<Expected>> expected() throws IOException {
        Map<String, List<Expected>> map = new LinkedHashMap<>();
        for (Path file : Release.notebooks(course)) {
            String rel = course.relativize(file).toString();
            NotebookFile nb;
            try {
                nb = NotebookFile.read(file);
                Release.validate(nb, rel);
            } catch (NotebookFile.Unreadable | Release.Invalid e) {
                throw new IOException("the course notebook " + rel + " is broken: " + e.getMessage());
            }
            List<Expected> list = new ArrayList<>();
            for (String name : nb.exercises()) {
                NotebookFile.Cell cell = nb.answerCell(name);
                String released;
                try {
                    released = cell.role() == NotebookFile.Role.SOLUTION ? Release.stub(cell.body(), rel, name) : Quiz.UNANSWERED;
                } catch (Release.Invalid e) {
                    throw new IOException(e.getMessage());
                }
                list.add(new Expected(name, released));
            }
            if (!list.isEmpty()) map.put(rel, list);
        }
        return map;
    }

    /**
     * Grades every student folder of {@code submissions} with {@code jobs} checks at a time; writes grades.csv and
     * the feedback there.
     */
    List<Row> grade(Path submissions, int jobs) throws IOException {
        List<Row> rows = grade(submissions, students(submissions), jobs);
        String kept = keepIfOtherVersions(submissions, gradedBy);
        if (kept != null && progress != null) progress.println(kept);
        write(submissions, rows, gradedBy);
        return rows;
    }

    /**
     * Grades the students of {@code submissions} that {@code shard} has ({@link Shard}) with {@code jobs} checks at a
     * time; writes their grades.csv, feedback and the shard's description to {@code out} ({@link ShardResults}).
     */
    List<Row> grade(Path submissions, Shard shard, Path out, int jobs) throws IOException {
        List<String> all = students(submissions);
        List<String> mine = all.stream().filter(shard::has).toList();
        List<Row> rows = grade(submissions, mine, jobs);
        ShardResults.write(out, shard, all, mine, rows, gradedBy);
        return rows;
    }

    /**
     * The student folders of {@code submissions}, by name in {@link String} order: every folder but hidden ones,
     * {@code feedback} and {@code shards} (where results go).
     */
    static List<String> students(Path submissions) throws IOException {
        try (Stream<Path> dirs = Files.list(submissions)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.equals("feedback") && !n.equals(ShardResults.FOLDER))
                    .sorted().toList();
        }
    }

    /** The rows of {@code students}, in their order, each student's in the course's order. Writes nothing. */
    private List<Row> grade(Path submissions, List<String> students, int jobs) throws IOException {
        Map<String, List<Expected>> expected = expected();
        List<Work> work = new ArrayList<>();
        for (String student : students) {
            for (var e : expected.entrySet()) {
                Path file = find(submissions.resolve(student), e.getKey());
                NotebookFile nb = null;
                String problem = null;
                if (file == null) {
                    problem = "There is no " + e.getKey() + " in the submission.";
                } else {
                    try {
                        nb = NotebookFile.read(file);
                    } catch (NotebookFile.Unreadable u) {
                        problem = u.getMessage();
                    }
                }
                for (Expected x : e.getValue()) work.add(new Work(student, e.getKey(), x, nb, problem));
            }
        }
        AtomicInteger finished = new AtomicInteger();
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> checks = new HashMap<>();
        for (Work w : work) checks.merge(w.student(), 1, Integer::sum);
        try (StudentCompilers compilers = new StudentCompilers(warm ? checker::warmCompiler : null, checks);
             ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs))) {
            List<Future<Row>> futures = new ArrayList<>();
            for (Work w : work) {
                futures.add(pool.submit(() -> {
                    Row row;
                    try {
                        row = grade(w, compilers.of(w.student()));
                    } finally {
                        compilers.done(w.student());
                    }
                    progress(finished.incrementAndGet(), work.size(), row);
                    return row;
                }));
            }
            for (Future<Row> f : futures) {
                try {
                    rows.add(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException("grading failed: " + e, e);
                }
            }
        }
        if (progress != null && System.console() != null) progress.println();
        return rows;
    }

    private record Work(String student, String notebook, Expected expected, NotebookFile nb, String problem) {}

    private Row grade(Work w, WarmCompiler compiler) {
        Exercise ex = Catalog.get().find(w.expected().exercise());
        if (w.problem() != null) return new Row(w.student(), w.notebook(), ex.name(), none(ex, w.problem()), w.problem());
        NotebookFile.Cell cell = w.nb().answerCell(ex.name());
        if (cell == null) {
            String p = "No cell starts with " + (ex.isQuiz() ? "%%answer " : "%%solution ") + ex.name()
                    + ": the answer cell was deleted or its first line changed.";
            return new Row(w.student(), w.notebook(), ex.name(), none(ex, p), p);
        }
        String body = cell.body();
        if (!ex.isQuiz() && body.strip().equals(w.expected().releasedBody().strip())) {
            Outcome o = Outcome.whole(ex, Scope.ALL, Status.NOT_DONE, Checker.notDone(), "", "");
            return new Row(w.student(), w.notebook(), ex.name(), o, null);
        }
        try {
            return new Row(w.student(), w.notebook(), ex.name(), checker.check(ex, body, NotebookFile.Cell.BODY_LINE, Scope.ALL, compiler), null);
        } catch (RuntimeException e) {
            String p = "The grader could not check this exercise: " + e.getMessage();
            return new Row(w.student(), w.notebook(), ex.name(), none(ex, p), p);
        }
    }

    private static Outcome none(Exercise ex, String why) {
        return Outcome.whole(ex, Scope.ALL, Status.NOT_RUN, why, "", "");
    }

    /** The student's copy of notebook {@code rel}: at the same place, else the only file of that name. */
    static Path find(Path student, String rel) throws IOException {
        Path same = student.resolve(rel);
        if (Files.isRegularFile(same)) return same;
        String name = Path.of(rel).getFileName().toString();
        try (Stream<Path> walk = Files.walk(student)) {
            List<Path> found = walk.filter(p -> p.getFileName().toString().equals(name))
                    .filter(p -> !p.toString().contains(".ipynb_checkpoints")).toList();
            return found.size() == 1 ? found.getFirst() : null;
        }
    }

    private synchronized void progress(int done, int total, Row row) {
        if (progress == null) return;
        String item = String.format("%s %s %s: %d/%d", row.student(), row.notebook(), row.exercise(), row.points(),
                row.outcome().max());
        if (System.console() != null) {
            int width = 30, filled = done * width / Math.max(1, total);
            progress.printf("\r[%s%s] %d/%d %-60.60s", "#".repeat(filled), ".".repeat(width - filled), done, total, item);
        } else {
            progress.printf("%d/%d %s%n", done, total, item);
        }
        progress.flush();
    }

    /**
     * If {@code submissions} holds a grades.csv written by other versions than {@code now} (or by a grader that
     * recorded none), renames it after its versions so that this grading does not overwrite it, and returns what
     * to tell the instructor; null if there is none or it is of the same versions.
     */
    static String keepIfOtherVersions(Path submissions, GradedBy now) throws IOException {
        Path last = submissions.resolve("grades.csv");
        if (!Files.isRegularFile(last)) return null;
        GradedBy before = versionsOf(last);
        if (now.equals(before)) return null;
        String name = before == null ? "grades-unversioned.csv"
                : "grades-" + (before.course() + "-" + before.grader()).replaceAll("[^\\w.+-]+", "_") + ".csv";
        Path kept = submissions.resolve(name);
        Files.move(last, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return "This class was graded before by " + (before == null ? "a grader that recorded no versions"
                : before.describe()) + "; now by " + now.describe() + ". Points may differ: the last grades are kept in "
                + kept.getFileName() + ".";
    }

    /** The versions recorded in the first row of {@code csv}, or null if it has none (or no rows). */
    static GradedBy versionsOf(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.size() < 2) return null;
        List<String> header = List.of(lines.get(0).split(",", -1));
        int course = header.indexOf(GradedBy.COURSE_COLUMN), grader = header.indexOf(GradedBy.GRADER_COLUMN);
        if (course < 0 || grader < 0) return null;
        List<String> row = csvFields(lines.get(1));
        return row.size() > Math.max(course, grader) ? new GradedBy(row.get(course), row.get(grader)) : null;
    }

    /** The fields of one CSV line as {@link #csv} writes them (quotes doubled inside quoted fields; no line breaks). */
    static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') { field.append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.add(field.toString()); field.setLength(0); }
            else field.append(c);
        }
        fields.add(field.toString());
        return fields;
    }

    /** grades.csv and the feedback pages, each naming the versions that graded them. */
    static void write(Path submissions, List<Row> rows, GradedBy gradedBy) throws IOException {
        StringBuilder csv = new StringBuilder("student,notebook,exercise,points,max,")
                .append(GradedBy.COURSE_COLUMN).append(',').append(GradedBy.GRADER_COLUMN).append('\n');
        for (Row r : rows) {
            csv.append(csv(r.student())).append(',').append(csv(r.notebook())).append(',').append(csv(r.exercise()))
                    .append(',').append(r.points()).append(',').append(r.outcome().max())
                    .append(',').append(csv(gradedBy.course())).append(',').append(csv(gradedBy.grader())).append('\n');
        }
        Files.writeString(submissions.resolve("grades.csv"), csv, StandardCharsets.UTF_8);
        Map<String, List<Row>> pages = new LinkedHashMap<>();
        for (Row r : rows) pages.computeIfAbsent(r.student() + "/" + r.notebook(), k -> new ArrayList<>()).add(r);
        for (var page : pages.entrySet()) {
            Row first = page.getValue().getFirst();
            Path file = submissions.resolve("feedback").resolve(first.student())
                    .resolve(first.notebook().replaceFirst("\\.ipynb$", ".html"));
            Files.createDirectories(file.getParent());
            Files.writeString(file, page(first.student(), first.notebook(), page.getValue(), gradedBy), StandardCharsets.UTF_8);
        }
    }

    private static String page(String student, String notebook, List<Row> rows, GradedBy gradedBy) {
        int points = rows.stream().mapToInt(Row::points).sum();
        int max = rows.stream().mapToInt(r -> r.outcome().max()).sum();
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(student + " · " + notebook)).append("</title><style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}pre{margin:0}")
                .append(".conclab-feedback{margin:1.5em 0}</style></head><body>\n")
                .append("<h1>").append(Html.escape(notebook)).append("</h1>\n<p>")
                .append(Html.escape(student)).append(": <b>").append(points).append(" of ").append(max)
                .append(" points</b></p>\n");
        for (Row r : rows) b.append(Feedback.html(r.outcome())).append('\n');
        b.append("<p class=\"conclab-graded-by\"><small>Graded by ").append(Html.escape(gradedBy.describe()))
                .append(".</small></p>\n");
        return b.append("</body></html>\n").toString();
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
