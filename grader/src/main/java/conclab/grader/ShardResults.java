package conclab.grader;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A class graded in shards ({@link Shard}): what one shard writes, and the merge of all of them into what grading
 * the class on one machine writes.
 *
 * <p>A shard's folder holds {@code grades.csv} and {@code feedback/} as {@link Grade#write} writes them for the
 * shard's students, and {@value #PROPERTIES}: which shard of how many it is, the versions that graded it
 * ({@link GradedBy}), its number of students, and the class it was cut from (the number of student folders and a
 * digest of their names). The folder is written beside its place and moved there whole: a shard stopped half-way
 * leaves no {@value #PROPERTIES} where the merge looks, so the merge calls it missing.
 *
 * <p>The merge proves that its folders are one grading of one class before it writes anything: shards of one count
 * N, each of 0..N-1 exactly once, graded by the same versions, cut from the same class, every student in one shard
 * only and in the shard the rule gives, and together every student of the class. Otherwise it refuses with a
 * {@link Refused} that says what to do. The merged {@code grades.csv} is, byte for byte, what one machine writes for
 * the same grades: the same header, students in the same (name) order, each student's rows as their shard wrote
 * them. The merged {@code feedback/} holds every student's pages as their shard wrote them.
 */
final class ShardResults {
    /** The file that makes a folder a shard's results. */
    static final String PROPERTIES = "shard.properties";
    /** The folder of {@code SUBMISSIONS} where shards write by default ({@code shards/K-of-N}); never a student. */
    static final String FOLDER = "shards";
    private static final String GRADES = "grades.csv", FEEDBACK = "feedback";

    private ShardResults() {}

    /** Shards that cannot be merged, or a folder a shard may not replace; the message says what to do. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** One shard's results, read and checked on their own. {@code rows}: each student's lines of grades.csv. */
    record Part(Path dir, Shard shard, GradedBy gradedBy, int students, int classStudents, String classDigest,
                String header, Map<String, List<String>> rows) {
        String describe() {
            return dir + " (shard " + shard.describe() + ")";
        }
    }

    /** Merged results: the versions that graded them, the grades.csv header, and each student's shard, by name. */
    record Merged(int shards, GradedBy gradedBy, String header, TreeMap<String, Part> students) {
        int rowCount() {
            return students.entrySet().stream().mapToInt(e -> e.getValue().rows().get(e.getKey()).size()).sum();
        }
    }

    // ------------------------------------------------------------------------------------------------ one shard

    /**
     * Refuses a folder {@code out} that a shard's results may not replace: one that exists, is not empty, and has no
     * {@value #PROPERTIES}. Called before grading, so that a mistyped {@code --out} costs nothing.
     */
    static void checkReplaceable(Path out) throws Refused, IOException {
        if (!Files.exists(out) || Files.isRegularFile(out.resolve(PROPERTIES))) return;
        boolean empty;
        try (Stream<Path> entries = Files.list(out)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty) {
            throw new Refused(out + " exists and is not a shard's results (it has no " + PROPERTIES
                    + "): give another --out, or empty it.");
        }
    }

    /**
     * Writes shard {@code shard}'s results to {@code out}, replacing an earlier run's: grades.csv and feedback of
     * {@code rows} (the grades of {@code students}), and {@value #PROPERTIES}, naming {@code classStudents}, every
     * student folder of the class. Written in a folder beside {@code out}, then moved in place.
     */
    static void write(Path out, Shard shard, List<String> classStudents, List<String> students, List<Grade.Row> rows,
                      GradedBy gradedBy) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp-");
        try {
            Grade.write(tmp, rows, gradedBy);
            Files.writeString(tmp.resolve(PROPERTIES), properties(shard, gradedBy, students.size(), classStudents),
                    StandardCharsets.UTF_8);
            replace(out, tmp);
        } finally {
            if (Files.exists(tmp)) Checker.delete(tmp);
        }
    }

    private static String properties(Shard shard, GradedBy gradedBy, int students, List<String> classStudents) {
        return "# Shard " + shard.describe() + " of one grading, written by ./conclab grade SUBMISSIONS --shard "
                + shard.index() + "/" + shard.count() + ".\n# Join all " + shard.count()
                + " shards with ./conclab grade --merge DIR...\n"
                + "shard=" + shard.index() + "\nshards=" + shard.count() + "\n"
                + GradedBy.COURSE_COLUMN + "=" + gradedBy.course() + "\n" + GradedBy.GRADER_COLUMN + "=" + gradedBy.grader() + "\n"
                + "students=" + students + "\nclass_students=" + classStudents.size()
                + "\nclass_digest=" + classDigest(classStudents) + "\n";
    }

    /** SHA-256 of the students' names, sorted, each followed by a line feed: which class a shard was cut from. */
    static String classDigest(java.util.Collection<String> students) {
        var digest = Shard.sha256();
        students.stream().sorted().forEach(s -> digest.update((s + "\n").getBytes(StandardCharsets.UTF_8)));
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    /** Moves folder {@code fresh} to {@code target}, replacing what is there; the old one is deleted after. */
    private static void replace(Path target, Path fresh) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        if (old != null) Checker.delete(old);
    }

    // ------------------------------------------------------------------------------------------------ the merge

    /**
     * Reads and checks the shards' folders {@code dirs}.
     *
     * @throws Refused if they are not every shard of one grading of one class, each once (the message says what to do)
     */
    static Merged merge(List<Path> dirs) throws Refused, IOException {
        List<Part> parts = new ArrayList<>();
        for (Path dir : dirs) parts.add(read(dir));
        int count = sameCount(parts);
        eachShardOnce(parts, count);
        GradedBy gradedBy = sameVersions(parts);
        String header = sameClassAndHeader(parts);
        TreeMap<String, Part> students = eachStudentOnce(parts);
        everyStudentOfTheClass(parts.getFirst(), students);
        return new Merged(count, gradedBy, header, students);
    }

    /** One shard's folder, checked on its own. */
    static Part read(Path dir) throws Refused, IOException {
        if (!Files.isDirectory(dir)) throw new Refused("There is no folder " + dir + ".");
        Path file = dir.resolve(PROPERTIES);
        if (!Files.isRegularFile(file)) {
            throw new Refused(dir + " is not a shard's results (it has no " + PROPERTIES + "). Give the folders that"
                    + " ./conclab grade SUBMISSIONS --shard K/N wrote (by default SUBMISSIONS/shards/K-of-N); a shard"
                    + " stopped before its end writes none: grade it again.");
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        Shard shard;
        try {
            shard = new Shard(number(p, "shard", dir), number(p, "shards", dir));
        } catch (IllegalArgumentException e) {
            throw damaged(dir, PROPERTIES + " names " + e.getMessage(), null);
        }
        GradedBy gradedBy = new GradedBy(text(p, GradedBy.COURSE_COLUMN, dir), text(p, GradedBy.GRADER_COLUMN, dir));
        Path grades = dir.resolve(GRADES);
        if (!Files.isRegularFile(grades)) throw damaged(dir, "it has no " + GRADES, shard);
        List<String> lines = Files.readAllLines(grades, StandardCharsets.UTF_8);
        if (lines.isEmpty()) throw damaged(dir, GRADES + " is empty", shard);
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            rows.computeIfAbsent(Grade.csvFields(line).getFirst(), k -> new ArrayList<>()).add(line);
        }
        Part part = new Part(dir, shard, gradedBy, number(p, "students", dir), number(p, "class_students", dir),
                text(p, "class_digest", dir), lines.getFirst(), rows);
        checkContents(part);
        return part;
    }

    /** The shard's grades.csv and feedback hold its students, all graded by the versions its properties name. */
    private static void checkContents(Part part) throws Refused, IOException {
        if (part.rows().size() != part.students()) {
            throw damaged(part.dir(), GRADES + " grades " + part.rows().size() + " student(s), " + PROPERTIES + " says "
                    + part.students(), part.shard());
        }
        GradedBy recorded = Grade.versionsOf(part.dir().resolve(GRADES));
        if (recorded != null && !recorded.equals(part.gradedBy())) {
            throw damaged(part.dir(), GRADES + " was graded by " + recorded.describe() + ", " + PROPERTIES + " says "
                    + part.gradedBy().describe(), part.shard());
        }
        for (String student : part.rows().keySet()) {
            if (!Files.isDirectory(part.dir().resolve(FEEDBACK).resolve(student))) {
                throw damaged(part.dir(), "it has no feedback for " + student, part.shard());
            }
        }
    }

    private static int sameCount(List<Part> parts) throws Refused {
        int count = parts.getFirst().shard().count();
        for (Part p : parts) {
            if (p.shard().count() != count) {
                throw new Refused("The shards are of different counts: " + parts.getFirst().describe() + " and "
                        + p.describe() + ". Merge the shards of one grading, all of one N (e.g. SUBMISSIONS/shards/*-of-"
                        + count + ").");
            }
        }
        return count;
    }

    private static void eachShardOnce(List<Part> parts, int count) throws Refused {
        Map<Integer, Part> byIndex = new TreeMap<>();
        for (Part p : parts) {
            Part before = byIndex.putIfAbsent(p.shard().index(), p);
            if (before != null) {
                throw new Refused("Shard " + p.shard().describe() + " is given twice: " + before.dir() + " and " + p.dir()
                        + ". Give each shard's folder once.");
            }
        }
        List<String> missing = new ArrayList<>();
        for (int k = 0; k < count; k++) if (!byIndex.containsKey(k)) missing.add(String.valueOf(k));
        if (!missing.isEmpty()) {
            throw new Refused("Shard(s) " + String.join(", ", missing) + " of " + count + " missing: grade each with"
                    + " ./conclab grade SUBMISSIONS --shard K/" + count + " (e.g. --shard " + missing.getFirst() + "/"
                    + count + "), or give its folder, then merge again.");
        }
    }

    private static GradedBy sameVersions(List<Part> parts) throws Refused {
        GradedBy first = parts.getFirst().gradedBy();
        for (Part p : parts) {
            if (!p.gradedBy().equals(first)) {
                throw new Refused("The shards were graded by different versions: " + parts.getFirst().describe() + " by "
                        + first.describe() + ", " + p.describe() + " by " + p.gradedBy().describe()
                        + ". Grade every shard with the same build of the course (one image), then merge.");
            }
        }
        return first;
    }

    private static String sameClassAndHeader(List<Part> parts) throws Refused {
        Part first = parts.getFirst();
        for (Part p : parts) {
            if (!p.classDigest().equals(first.classDigest()) || p.classStudents() != first.classStudents()) {
                throw new Refused("The shards were cut from different classes: " + first.describe() + " saw "
                        + first.classStudents() + " student folder(s), " + p.describe() + " saw " + p.classStudents()
                        + (p.classStudents() == first.classStudents() ? " with other names" : "")
                        + ". The submissions changed while the shards ran: grade every shard again from the same"
                        + " submissions, then merge.");
            }
            if (!p.header().equals(first.header())) {
                throw new Refused("The shards' grades.csv have different columns: " + first.describe() + " and "
                        + p.describe() + ". Grade every shard with the same build of the course, then merge.");
            }
        }
        return first.header();
    }

    /** Each student's shard, by name; refuses a student in two shards, or in a shard the rule does not give. */
    private static TreeMap<String, Part> eachStudentOnce(List<Part> parts) throws Refused {
        TreeMap<String, Part> students = new TreeMap<>();
        for (Part p : parts) {
            for (String student : p.rows().keySet()) {
                Part before = students.putIfAbsent(student, p);
                if (before != null) {
                    throw new Refused("Student " + student + " is graded in two shards: " + before.describe() + " and "
                            + p.describe() + ". Grade the shards again, all from the same submissions, then merge.");
                }
                int home = Shard.of(student, p.shard().count());
                if (home != p.shard().index()) {
                    throw new Refused("Student " + student + " is graded in " + p.describe() + ", but belongs to shard "
                            + home + " of " + p.shard().count() + ": that folder was not written by ./conclab grade"
                            + " --shard " + p.shard().index() + "/" + p.shard().count() + ". Grade that shard again.");
                }
            }
        }
        return students;
    }

    private static void everyStudentOfTheClass(Part any, TreeMap<String, Part> students) throws Refused {
        if (students.size() != any.classStudents() || !classDigest(students.keySet()).equals(any.classDigest())) {
            throw new Refused("The shards grade " + students.size() + " student(s), the class they were cut from has "
                    + any.classStudents() + ". Grade every shard again from the same submissions, then merge.");
        }
    }

    private static Refused damaged(Path dir, String what, Shard shard) {
        return new Refused(dir + " is damaged: " + what + ". Grade " + (shard == null ? "that shard"
                : "shard " + shard.describe() + " (--shard " + shard.index() + "/" + shard.count() + ")") + " again.");
    }

    private static String text(Properties p, String key, Path dir) throws Refused {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) throw damaged(dir, PROPERTIES + " has no " + key, null);
        return value.strip();
    }

    private static int number(Properties p, String key, Path dir) throws Refused {
        String value = text(p, key, dir);
        if (!value.matches("\\d{1,9}")) throw damaged(dir, PROPERTIES + " has " + key + "=" + value + ", not a number", null);
        return Integer.parseInt(value);
    }

    /**
     * Writes {@code merged} into {@code out}: its {@code feedback/} (replacing the folder there) and, last,
     * {@code grades.csv} (an earlier grades.csv by other versions is kept as {@link Grade#keepIfOtherVersions} does).
     * Each is written beside its place and moved there.
     *
     * @return what to tell the instructor about an earlier grades.csv kept, or null
     */
    static String write(Merged merged, Path out) throws IOException {
        Files.createDirectories(out);
        Path feedback = Files.createTempDirectory(out, "." + FEEDBACK + ".tmp-");
        try {
            for (var e : merged.students().entrySet()) {
                copyTree(e.getValue().dir().resolve(FEEDBACK).resolve(e.getKey()), feedback.resolve(e.getKey()));
            }
            replace(out.resolve(FEEDBACK), feedback);
        } finally {
            if (Files.exists(feedback)) Checker.delete(feedback);
        }
        String kept = Grade.keepIfOtherVersions(out, merged.gradedBy());
        StringBuilder csv = new StringBuilder(merged.header()).append('\n');
        for (var e : merged.students().entrySet()) {
            for (String line : e.getValue().rows().get(e.getKey())) csv.append(line).append('\n');
        }
        Path tmp = Files.createTempFile(out, "." + GRADES + ".tmp-", "");
        Files.writeString(tmp, csv, StandardCharsets.UTF_8);
        Files.move(tmp, out.resolve(GRADES), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return kept;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(from)) {
            all = walk.collect(Collectors.toList());
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) Files.createDirectories(target);
            else Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
