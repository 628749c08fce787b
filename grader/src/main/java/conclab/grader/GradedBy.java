package conclab.grader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What graded a class, so that a regrade can be explained: the version of the course (its notebooks decide which
 * exercises there are) and of the grader (its code, the exercises' tests and points, the lib the tests run
 * against). Recorded in every row of {@code grades.csv} and on every feedback page.
 *
 * <ul>
 *   <li>{@code course}: the git commit of the project holding the course, its first 12 hex digits, with
 *       {@code +modified} when the notebooks or the grader differ from that commit; {@code unknown (no git)} when
 *       the project is not a git checkout (or git is missing).
 *   <li>{@code grader}: {@code sha256:} and 12 hex digits of a digest of the checker's classpath by content: each
 *       jar's entries (name and bytes, in name order) or each folder's files, in classpath order. Two builds of
 *       the same sources give the same digest; a changed test, point or lib class gives another.
 * </ul>
 * Immutable.
 */
record GradedBy(String course, String grader) {
    /** The columns of grades.csv that hold it. */
    static final String COURSE_COLUMN = "course_version", GRADER_COLUMN = "grader_version";
    private static final String NO_GIT = "unknown (no git)";

    /** The versions of the course in {@code project} and of a checker on {@code classpath}. */
    static GradedBy of(Path project, List<Path> classpath) {
        return new GradedBy(courseVersion(project), graderVersion(classpath));
    }

    /** One line for people: what graded it. */
    String describe() {
        return "course " + course + ", grader " + grader;
    }

    /** The git commit of {@code project}, or {@value #NO_GIT}. Waits for git at most 10 s. */
    static String courseVersion(Path project) {
        String head = git(project, "rev-parse", "HEAD");
        if (head == null || !head.matches("\\p{XDigit}{40}")) return NO_GIT;
        String changes = git(project, "status", "--porcelain", "--untracked-files=no", "--", "notebooks", "grader", "lib");
        return head.substring(0, 12) + (changes == null || changes.isEmpty() ? "" : "+modified");
    }

    /** Digest of {@code classpath} by content; entries that cannot be read count by their name alone. */
    static String graderVersion(List<Path> classpath) {
        MessageDigest digest = sha256();
        for (Path entry : classpath) {
            update(digest, entry.getFileName() == null ? "" : entry.getFileName().toString());
            try {
                if (Files.isDirectory(entry)) digestFolder(digest, entry);
                else if (Files.isRegularFile(entry)) digestJar(digest, entry);
            } catch (IOException e) {
                update(digest, "unreadable"); // the checker could not use it either; the name still counts
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    }

    private static void digestJar(MessageDigest digest, Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<ZipEntry> entries = new ArrayList<>(zip.stream().filter(e -> !e.isDirectory()).toList());
            entries.sort((a, b) -> a.getName().compareTo(b.getName()));
            for (ZipEntry e : entries) {
                if (e.getName().equals("META-INF/MANIFEST.MF")) continue; // build dates and tool versions
                update(digest, e.getName());
                try (InputStream in = zip.getInputStream(e)) {
                    digest.update(in.readAllBytes());
                }
            }
        }
    }

    private static void digestFolder(MessageDigest digest, Path folder) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            update(digest, folder.relativize(f).toString());
            digest.update(Files.readAllBytes(f));
        }
    }

    /** Adds {@code s} and a separator, so that names and contents cannot run into each other. */
    private static void update(MessageDigest digest, String s) {
        digest.update(s.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
        }
    }

    /** What {@code git ARGS} printed in {@code dir}, stripped, or null if git failed, is missing, or took over 10 s. */
    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Path out = null;
        try {
            out = Files.createTempFile("conclab-git-", ".txt"); // a file, not a pipe: reading it cannot outlast the bound
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8).strip() : null;
        } catch (IOException e) {
            return null; // no git here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (out != null) out.toFile().delete();
        }
    }
}
