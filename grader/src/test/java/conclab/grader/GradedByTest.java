package conclab.grader;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versions a grading records, and what a regrade by other versions does with the last grades. */
class GradedByTest {
    @TempDir Path dir;

    @Test
    void theGraderDigestFollowsContentNotBuildTimes() throws IOException {
        Path a = jar("a/grader.jar", Map.of("conclab/X.class", "x", "conclab/exercises/e/T.java", "test"), 1_000);
        Path b = jar("b/grader.jar", Map.of("conclab/X.class", "x", "conclab/exercises/e/T.java", "test"), 9_000_000);
        Path c = jar("c/grader.jar", Map.of("conclab/X.class", "x", "conclab/exercises/e/T.java", "test, changed"), 1_000);
        String va = GradedBy.graderVersion(List.of(a));
        assertTrue(va.matches("sha256:\\p{XDigit}{12}"), va);
        assertEquals(va, GradedBy.graderVersion(List.of(b)), "a rebuild of the same content, at another time");
        assertNotEquals(va, GradedBy.graderVersion(List.of(c)), "a changed test");
        Files.createDirectories(dir.resolve("classes"));
        Files.writeString(dir.resolve("classes/Y.class"), "y");
        assertNotEquals(va, GradedBy.graderVersion(List.of(a, dir.resolve("classes"))), "one more classpath entry");
    }

    @Test
    void outsideGitTheCourseVersionSaysSo() {
        assertEquals("unknown (no git)", GradedBy.courseVersion(dir));
    }

    @Test
    void theProjectsOwnCheckoutHasACommit() {
        Path project = Path.of("").toAbsolutePath().getParent(); // tests run in grader/
        String v = GradedBy.courseVersion(project);
        if (Files.exists(project.resolve(".git"))) assertTrue(v.matches("\\p{XDigit}{12}(\\+modified)?"), v);
        else assertEquals("unknown (no git)", v);
    }

    @Test
    void gradesRecordTheirVersionsAndARegradeByOthersKeepsTheLastGrades() throws IOException {
        GradedBy first = new GradedBy("0123456789ab", "sha256:aaaaaaaaaaaa");
        GradedBy second = new GradedBy("0123456789ab+modified", "sha256:bbbbbbbbbbbb");
        Files.writeString(dir.resolve("grades.csv"), "student,notebook,exercise,points,max,course_version,grader_version\n"
                + "ada,\"a, b.ipynb\",ex,3,5,0123456789ab,sha256:aaaaaaaaaaaa\n");
        assertEquals(first, Grade.versionsOf(dir.resolve("grades.csv")));
        assertNull(Grade.keepIfOtherVersions(dir, first), "the same versions: nothing to say, nothing moved");
        assertTrue(Files.exists(dir.resolve("grades.csv")));

        String notice = Grade.keepIfOtherVersions(dir, second);
        assertNotNull(notice);
        assertTrue(notice.contains("course 0123456789ab, grader sha256:aaaaaaaaaaaa"), notice);
        assertTrue(notice.contains("now by course 0123456789ab+modified, grader sha256:bbbbbbbbbbbb"), notice);
        Path kept = dir.resolve("grades-0123456789ab-sha256_aaaaaaaaaaaa.csv");
        assertTrue(notice.contains(kept.getFileName().toString()), notice);
        assertTrue(Files.readString(kept).contains("ada,\"a, b.ipynb\",ex,3,5"), "the last grades, whole");
        assertFalse(Files.exists(dir.resolve("grades.csv")), "moved, for this grading to write anew");
    }

    @Test
    void gradesWithoutVersionsAreKeptToo() throws IOException {
        Files.writeString(dir.resolve("grades.csv"), "student,notebook,exercise,points,max\nada,n.ipynb,ex,3,5\n");
        assertNull(Grade.versionsOf(dir.resolve("grades.csv")));
        String notice = Grade.keepIfOtherVersions(dir, new GradedBy("c", "g"));
        assertTrue(notice.contains("a grader that recorded no versions"), notice);
        assertTrue(Files.exists(dir.resolve("grades-unversioned.csv")));
    }

    @Test
    void csvFieldsReadWhatTheGradesWrite() {
        assertEquals(List.of("a", "b, c", "say \"hi\"", ""), Grade.csvFields("a,\"b, c\",\"say \"\"hi\"\"\","));
    }

    /** A jar at {@code rel} holding {@code files}, each entry stamped {@code time}. */
    private Path jar(String rel, Map<String, String> files, long time) throws IOException {
        Path jar = dir.resolve(rel);
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry manifest = new ZipEntry("META-INF/MANIFEST.MF");
            zip.putNextEntry(manifest);
            zip.write(("Manifest-Version: 1.0\nBuild-Time: " + time + "\n").getBytes(StandardCharsets.UTF_8));
            for (String name : files.keySet().stream().sorted().toList()) {
                ZipEntry e = new ZipEntry(name);
                e.setLastModifiedTime(FileTime.fromMillis(time));
                zip.putNextEntry(e);
                zip.write(files.get(name).getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }
}
