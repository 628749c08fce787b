package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import conclab.grader.Outcome.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A class graded in shards merges into what one machine writes, and only shards of one grading merge. */
class ShardResultsTest {
    @TempDir Path dir;

    static final GradedBy VERSIONS = new GradedBy("0123456789ab", "sha256:aaaaaaaaaaaa");
    /** In 3 shards: 0 ada, dan, eve, zoë, o'neil; 1 ben, gus; 2 cleo, finn. One name needs quoting in CSV. */
    static final List<String> CLASS = List.of("ada", "ben", "cleo", "dan", "eve", "finn", "gus", "zoë", "o'neil, m");

    @Test
    void threeShardsMergeIntoWhatOneMachineWrites() throws Exception {
        Path whole = Files.createDirectories(dir.resolve("whole"));
        Grade.write(whole, rows(CLASS), VERSIONS);
        List<Path> shards = writeShards(3, VERSIONS, CLASS);
        for (Path s : shards) assertTrue(Files.isRegularFile(s.resolve(ShardResults.PROPERTIES)), s.toString());
        assertTrue(Files.readString(shards.get(1).resolve(ShardResults.PROPERTIES)).contains("shard=1\nshards=3\n"));

        Path merged = dir.resolve("merged");
        ShardResults.Merged m = ShardResults.merge(List.of(shards.get(2), shards.get(0), shards.get(1)));
        assertEquals(VERSIONS, m.gradedBy());
        assertEquals(CLASS.size() * 2, m.rowCount());
        ShardResults.write(m, merged);
        assertEquals(Files.readString(whole.resolve("grades.csv")), Files.readString(merged.resolve("grades.csv")),
                "byte for byte, in the same order");
        assertEquals(tree(whole.resolve("feedback")), tree(merged.resolve("feedback")));
    }

    @Test
    void aShardIsWrittenWholeAndReplacesOnlyAnEarlierRunOfAShard() throws Exception {
        Path out = dir.resolve("shards").resolve("0-of-3");
        ShardResults.write(out, new Shard(0, 3), CLASS, mine(0, 3), rows(mine(0, 3)), VERSIONS);
        ShardResults.checkReplaceable(out); // an earlier run's results: a rerun of the shard replaces them
        ShardResults.write(out, new Shard(0, 3), CLASS, mine(0, 3), rows(mine(0, 3)), VERSIONS);
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of("0-of-3"), left.map(p -> p.getFileName().toString()).toList(), "no temp folder left");
        }
        Path other = dir.resolve("notes");
        Files.createDirectories(other);
        ShardResults.checkReplaceable(other); // empty: fine
        Files.writeString(other.resolve("mine.txt"), "x");
        var e = assertThrows(ShardResults.Refused.class, () -> ShardResults.checkReplaceable(other));
        assertTrue(e.getMessage().contains("is not a shard's results") && e.getMessage().contains("give another --out"),
                e.getMessage());
    }

    @Test
    void missingDuplicateAndForeignShardsAreRefused() throws Exception {
        List<Path> three = writeShards(3, VERSIONS, CLASS);
        assertRefused(List.of(three.get(0), three.get(2)), "Shard(s) 1 of 3 missing: grade each with ./conclab grade"
                + " SUBMISSIONS --shard K/3 (e.g. --shard 1/3)");
        assertRefused(List.of(three.get(0), three.get(1), three.get(2), three.get(1)), "Shard 1 of 3 is given twice");
        Path four = writeShards(4, VERSIONS, CLASS).get(3);
        assertRefused(List.of(three.get(0), three.get(1), three.get(2), four), "The shards are of different counts");

        Path stopped = dir.resolve("stopped");
        Files.createDirectories(stopped.resolve("feedback"));
        assertRefused(List.of(three.get(0), three.get(1), stopped), "is not a shard's results (it has no shard.properties)");
        assertRefused(List.of(three.get(0), three.get(1), dir.resolve("nowhere")), "There is no folder");
    }

    @Test
    void shardsOfOtherVersionsOrOfAnotherClassAreRefused() throws Exception {
        List<Path> ours = writeShards(3, VERSIONS, CLASS);
        GradedBy newer = new GradedBy("0123456789ab+modified", "sha256:bbbbbbbbbbbb");
        Path regraded = shard(dir.resolve("newer"), new Shard(1, 3), newer, CLASS);
        assertRefused(List.of(ours.get(0), regraded, ours.get(2)), "The shards were graded by different versions");

        List<String> later = new ArrayList<>(CLASS);
        later.add("late"); // handed in while the shards ran
        Path cutLater = shard(dir.resolve("later"), new Shard(1, 3), VERSIONS, later);
        assertRefused(List.of(ours.get(0), cutLater, ours.get(2)), "The shards were cut from different classes");
    }

    @Test
    void aStudentInTwoShardsOrInTheWrongShardIsRefused() throws Exception {
        List<Path> ours = writeShards(3, VERSIONS, CLASS);
        // shard 1's folder, with ada's grades (ada is in shard 0) written into it by hand
        Path shard1 = ours.get(1);
        String ada = Files.readAllLines(ours.get(0).resolve("grades.csv")).get(1);
        Files.writeString(shard1.resolve("grades.csv"), ada + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        Files.createDirectories(shard1.resolve("feedback/ada"));
        Path props = shard1.resolve(ShardResults.PROPERTIES);
        Files.writeString(props, Files.readString(props).replace("students=2", "students=3"));
        assertRefused(ours, "Student ada is graded in two shards");
        assertRefused(List.of(ours.get(1), ours.get(2), ours.get(0)), "Student ada is graded in " + shard1
                + " (shard 1 of 3), but belongs to shard 0 of 3");
    }

    @Test
    void aDamagedShardIsRefusedWithWhatToRegrade() throws Exception {
        List<Path> ours = writeShards(3, VERSIONS, CLASS);
        Files.delete(ours.get(2).resolve("grades.csv"));
        assertRefused(ours, "is damaged: it has no grades.csv. Grade shard 2 of 3 (--shard 2/3) again.");
    }

    @Test
    void theMergeKeepsEarlierGradesOfOtherVersionsAndReplacesTheFeedback() throws Exception {
        Path out = dir.resolve("class");
        Files.createDirectories(out.resolve("feedback/gone"));
        Files.writeString(out.resolve("grades.csv"), "student,notebook,exercise,points,max,course_version,grader_version\n"
                + "gone,nb.ipynb,safe-counter,1,6,0123456789ab,sha256:000000000000\n");
        String kept = ShardResults.write(ShardResults.merge(writeShards(3, VERSIONS, CLASS)), out);
        assertTrue(kept.contains("the last grades are kept in grades-0123456789ab-sha256_000000000000.csv"), kept);
        assertFalse(Files.exists(out.resolve("feedback/gone")), "feedback/ is the merged shards', whole");
        assertTrue(Files.isDirectory(out.resolve("feedback/zoë")));
        try (Stream<Path> left = Files.list(out)) {
            assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temp file left");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void assertRefused(List<Path> shards, String says) {
        var e = assertThrows(ShardResults.Refused.class, () -> ShardResults.merge(shards));
        assertTrue(e.getMessage().contains(says), e.getMessage());
    }

    /** The N shards of {@code students}, written as ./conclab grade --shard K/N writes them, under dir/N. */
    private List<Path> writeShards(int n, GradedBy versions, List<String> students) throws IOException {
        List<Path> shards = new ArrayList<>();
        for (int k = 0; k < n; k++) shards.add(shard(dir.resolve(n + "/" + k + "-of-" + n), new Shard(k, n), versions, students));
        return shards;
    }

    private static Path shard(Path out, Shard shard, GradedBy versions, List<String> students) throws IOException {
        List<String> mine = students.stream().filter(shard::has).toList();
        ShardResults.write(out, shard, students, mine, rows(mine), versions);
        return out;
    }

    private static List<String> mine(int k, int n) {
        return CLASS.stream().filter(new Shard(k, n)::has).toList();
    }

    /** Two graded exercises per student, in name order as Grade lists them; points differ between students. */
    private static List<Grade.Row> rows(List<String> students) {
        List<Grade.Row> rows = new ArrayList<>();
        for (String s : students.stream().sorted().toList()) {
            for (String name : List.of("safe-counter", "quiz-count-race")) {
                Exercise ex = Catalog.get().find(name);
                Status status = Shard.of(s + name, 2) == 0 ? Status.PASSED : Status.FAILED;
                rows.add(new Grade.Row(s, "exercises-demo.ipynb", name,
                        Outcome.whole(ex, Scope.ALL, status, null, "", ""), null));
            }
        }
        return rows;
    }

    /** Every file under {@code root}, by relative path, with its content. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) files.put(root.relativize(p).toString(), Files.readString(p));
        }
        return files;
    }
}
