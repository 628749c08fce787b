package conclab.grader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateTest {
    /** A notebook of cells given as "id=source" ("m:" before the id: a markdown cell). */
    static NotebookFile notebook(String... cells) throws Exception {
        JsonArray array = new JsonArray();
        for (String spec : cells) {
            boolean markdown = spec.startsWith("m:");
            String id = spec.substring(markdown ? 2 : 0, spec.indexOf('='));
            JsonObject c = new JsonObject();
            c.addProperty("id", id);
            c.addProperty("cell_type", markdown ? "markdown" : "code");
            c.add("metadata", new JsonObject());
            if (!markdown) {
                c.add("outputs", new JsonArray());
                c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
            }
            NotebookFile.setSource(c, spec.substring(spec.indexOf('=') + 1));
            array.add(c);
        }
        JsonObject nb = new JsonObject();
        nb.add("cells", array);
        nb.add("metadata", new JsonObject());
        nb.addProperty("nbformat", 4);
        nb.addProperty("nbformat_minor", 5);
        return NotebookFile.parse(nb.toString(), "t.ipynb");
    }

    /** A course version as released: each cell records the digest of what it gives. */
    static NotebookFile given(String... cells) throws Exception {
        NotebookFile nb = notebook(cells);
        Update.recordGiven(nb);
        return nb;
    }

    /** A learner's copy: the given version with some cells' sources changed ("id=new source"). */
    static NotebookFile edited(NotebookFile given, String... edits) throws Exception {
        NotebookFile mine = NotebookFile.parse(given.toJson(), "t.ipynb");
        for (String edit : edits) {
            String id = edit.substring(0, edit.indexOf('='));
            for (JsonObject c : mine.cellObjects()) {
                if (id.equals(NotebookFile.id(c))) NotebookFile.setSource(c, edit.substring(edit.indexOf('=') + 1));
            }
        }
        return mine;
    }

    static List<String> sources(NotebookFile nb) {
        return nb.cellObjects().stream().map(c -> NotebookFile.id(c) + "=" + NotebookFile.source(c)).toList();
    }

    @Test
    void cellsLeftAsGivenBecomeTheCoursesNewVersionAndTheLearnersWorkStays() throws Exception {
        NotebookFile was = given("m:a=Prose with a mistke.", "b=%%solution safe-counter\nclass C {}", "c=%check safe-counter");
        NotebookFile mine = edited(was, "b=%%solution safe-counter\nclass C { int mine; }");
        NotebookFile now = given("m:a=Prose without mistakes.", "b=%%solution safe-counter\nclass C { /* new skeleton */ }",
                "c=%check safe-counter", "m:d=A new paragraph.");
        Update.Merged m = Update.merge(mine, now);
        assertEquals(List.of("a=Prose without mistakes.", "b=%%solution safe-counter\nclass C { int mine; }",
                "c=%check safe-counter", "d=A new paragraph."), sources(m.notebook()));
        assertEquals(1, m.updated());
        assertEquals(1, m.added());
        assertEquals(List.of("safe-counter"), m.skeletons());
        assertTrue(m.summary().contains("your solution is kept"), m.summary());
    }

    @Test
    void anUntouchedSolutionCellGetsTheNewGivenCode() throws Exception {
        NotebookFile was = given("b=%%solution safe-counter\nclass C { void f() { throw x; } return 1; }");
        NotebookFile now = given("b=%%solution safe-counter\nclass C { void f() { throw x; } }");
        Update.Merged m = Update.merge(edited(was), now);
        assertEquals(List.of("b=%%solution safe-counter\nclass C { void f() { throw x; } }"), sources(m.notebook()));
        assertEquals(List.of(), m.skeletons());
    }

    @Test
    void aLearnersOwnCellsStayAfterTheCellTheyFollowed() throws Exception {
        NotebookFile was = given("a=int x = 1;", "b=x + 1");
        NotebookFile mine = edited(was);
        List<JsonObject> cells = new java.util.ArrayList<>(mine.cellObjects());
        JsonObject own = notebook("mine=System.out.println(x);").cellObjects().getFirst();
        cells.add(1, own);
        mine.setCells(cells);
        NotebookFile now = given("a=int x = 2;", "b=x + 1");
        assertEquals(List.of("a=int x = 2;", "mine=System.out.println(x);", "b=x + 1"), sources(Update.merge(mine, now).notebook()));
    }

    @Test
    void aCellChangedByBothKeepsTheLearnersWithTheCoursesBesideItOnce() throws Exception {
        NotebookFile was = given("a=int x = 1;", "b=x");
        NotebookFile mine = edited(was, "a=int x = 100; // my experiment");
        NotebookFile now = given("a=int x = 2;", "b=x");
        Update.Merged m = Update.merge(mine, now);
        List<String> merged = sources(m.notebook());
        assertEquals(3, merged.size(), merged.toString());
        assertEquals("a=int x = 100; // my experiment", merged.get(0));
        assertTrue(merged.get(1).startsWith("a-course-" + Update.digest("int x = 2;").substring(0, 8)
                + "=// ./conclab update: the course's new version of the cell above"), merged.get(1));
        assertTrue(merged.get(1).endsWith("\nint x = 2;"), merged.get(1));
        assertEquals(List.of(0), m.conflicts());
        assertTrue(m.summary().contains("(cell 2)"), m.summary());
        // Updating again changes nothing: the kept cell now counts as based on the course's version.
        NotebookFile again = NotebookFile.parse(m.notebook().toJson(), "t.ipynb");
        Update.Merged m2 = Update.merge(again, given("a=int x = 2;", "b=x"));
        assertEquals(merged, sources(m2.notebook()));
        assertFalse(m2.changed(), m2.summary());
        // The learner merges by hand and deletes the course's version: it does not come back.
        List<JsonObject> settled = new java.util.ArrayList<>(again.cellObjects());
        settled.remove(1);
        NotebookFile.setSource(settled.getFirst(), "int x = 2; // merged");
        again.setCells(settled);
        Update.Merged m3 = Update.merge(again, given("a=int x = 2;", "b=x"));
        assertEquals(List.of("a=int x = 2; // merged", "b=x"), sources(m3.notebook()));
        assertFalse(m3.changed(), m3.summary());
    }

    @Test
    void theCoursesVersionBesideACellMagicKeepsTheMagicFirst() throws Exception {
        NotebookFile was = given("a=%%time\nwork(1);");
        Update.Merged m = Update.merge(edited(was, "a=%%time\nwork(100);"), given("a=%%time\nwork(2);"));
        String beside = sources(m.notebook()).get(1);
        assertTrue(beside.contains("=%%time\n// ./conclab update:") && beside.endsWith("\nwork(2);"), beside);
    }

    @Test
    void aCellTheLearnerDeletedStaysDeletedAndACopyTheyPastedStays() throws Exception {
        NotebookFile was = given("a=1", "s=%%solution safe-counter\nclass C {}", "c=%check safe-counter");
        NotebookFile mine = edited(was);
        List<JsonObject> cells = new java.util.ArrayList<>(mine.cellObjects());
        JsonObject pasted = cells.getFirst().deepCopy(); // JupyterLab's paste: a new id, the same metadata
        pasted.addProperty("id", "pasted");
        cells.remove(1);          // the learner deleted the given solution cell...
        cells.add(1, pasted);     // ...and pasted a copy of the first cell there
        mine.setCells(cells);
        Update.Merged m = Update.merge(mine, given("a=1", "s=%%solution safe-counter\nclass C { int more; }", "c=%check safe-counter"));
        assertEquals(List.of("a=1", "pasted=1", "c=%check safe-counter"), sources(m.notebook()));
        assertEquals(0, m.added());
    }

    @Test
    void twoCellsWithOneIdAreBothKept() throws Exception {
        NotebookFile mine = edited(given("a=1", "b=2"));
        List<JsonObject> cells = new java.util.ArrayList<>(mine.cellObjects());
        JsonObject twin = cells.getFirst().deepCopy();
        NotebookFile.setSource(twin, "1 + 1 // a copy with the same id");
        cells.add(1, twin);
        mine.setCells(cells);
        assertEquals(List.of("a=10", "a=1 + 1 // a copy with the same id", "b=2"),
                sources(Update.merge(mine, given("a=10", "b=2")).notebook()));
    }

    @Test
    void aCopyWithCellsWithoutIdsIsRefused() throws Exception {
        NotebookFile mine = edited(given("a=1"));
        mine.cellObjects().getFirst().remove("id");
        Update.Refused e = org.junit.jupiter.api.Assertions.assertThrows(Update.Refused.class, () -> Update.merge(mine, given("a=2")));
        assertTrue(e.getMessage().contains("has no id"), e.getMessage());
    }

    @Test
    void aCellOnlyTheLearnerChangedGetsTheCoursesNewTags() throws Exception {
        NotebookFile mine = edited(given("a=1"), "a=1 + 1 // mine");
        NotebookFile now = given("a=1");
        NotebookFile.metadata(now.cellObjects().getFirst()).add("tags", com.google.gson.JsonParser.parseString("[\"raises-exception\"]"));
        Update.Merged m = Update.merge(mine, now);
        assertEquals(List.of("a=1 + 1 // mine"), sources(m.notebook()));
        assertEquals("[\"raises-exception\"]", NotebookFile.metadata(m.notebook().cellObjects().getFirst()).get("tags").toString());
        assertTrue(m.changed());
    }

    @Test
    void theLearnersTagsStayAndTheCoursesNewTagsCome() throws Exception {
        NotebookFile mine = edited(given("a=1", "b=2"));
        NotebookFile.metadata(mine.cellObjects().get(0)).add("tags", com.google.gson.JsonParser.parseString("[\"mine\"]"));
        NotebookFile.metadata(mine.cellObjects().get(1)).add("tags", com.google.gson.JsonParser.parseString("[\"mine\"]"));
        NotebookFile now = given("a=1", "b=3");
        for (JsonObject c : now.cellObjects()) {
            NotebookFile.metadata(c).add("tags", com.google.gson.JsonParser.parseString("[\"raises-exception\"]"));
        }
        Update.Merged m = Update.merge(mine, now);
        for (JsonObject c : m.notebook().cellObjects()) {
            assertEquals("[\"raises-exception\",\"mine\"]", NotebookFile.metadata(c).get("tags").toString());
        }
    }

    @Test
    void aChangeOfTheLearnersAloneStaysWithoutAConflict() throws Exception {
        NotebookFile was = given("a=int x = 1;", "m:b=Text.");
        NotebookFile mine = edited(was, "a=int x = 100;");
        Update.Merged m = Update.merge(mine, given("a=int x = 1;", "m:b=Better text."));
        assertEquals(List.of("a=int x = 100;", "b=Better text."), sources(m.notebook()));
        assertEquals(List.of(), m.conflicts());
    }

    @Test
    void aCellTheCourseRemovedGoesUnlessTheLearnerChangedIt() throws Exception {
        NotebookFile was = given("a=1", "b=2", "c=3");
        NotebookFile mine = edited(was, "c=3 + 0 // mine");
        Update.Merged m = Update.merge(mine, given("a=1"));
        assertEquals(List.of("a=1", "c=3 + 0 // mine"), sources(m.notebook()));
        assertEquals(1, m.removed());
    }

    @Test
    void aCopyMadeBeforeDigestsGetsEveryChangedCellBesideAndDigestsForTheRest() throws Exception {
        NotebookFile old = notebook("a=int x = 1;", "b=x");
        Update.Merged m = Update.merge(old, given("a=int x = 2;", "b=x"));
        assertEquals(3, m.notebook().cellObjects().size());
        assertEquals(List.of(0), m.conflicts());
        assertTrue(m.summary().contains("older than ./conclab update"), m.summary());
        JsonObject b = m.notebook().cellObjects().get(2);
        assertEquals(Update.digest("x"), b.getAsJsonObject("metadata").getAsJsonObject("conclab").get("given").getAsString());
    }

    @Test
    void nothingChangedIsNoChange() throws Exception {
        NotebookFile was = given("a=1", "m:b=Text");
        NotebookFile mine = edited(was);
        NotebookFile.metadata(mine.cellObjects().getFirst()).addProperty("scrolled", true); // JupyterLab's own
        assertFalse(Update.merge(mine, given("a=1", "m:b=Text")).changed());
    }

    @Test
    void runUpdatesTheWorkspaceKeepsABackupAndCopiesNewNotebooks(@TempDir Path dir) throws Exception {
        Path course = Files.createDirectories(dir.resolve("course/ch")), work = dir.resolve("work");
        Files.writeString(course.resolve("one.ipynb"), notebook("m:a=Old prose.", "b=1 + 1").toJson());
        Files.writeString(course.resolve("two.ipynb"), notebook("m:a=Two.").toJson());
        Files.createDirectories(course.resolve("data"));
        Files.writeString(course.resolve("data/n.json"), "{\"n\": 1}");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(List.of(), Update.run(dir.resolve("course"), work, quiet)); // a first run makes the copies
        Path one = work.resolve("ch/one.ipynb"), two = work.resolve("ch/two.ipynb");
        NotebookFile mine = NotebookFile.read(one);
        NotebookFile.setSource(mine.cellObjects().get(1), "1 + 1 // tried");
        mine.write(one);
        long twoModified = Files.getLastModifiedTime(two).toMillis();
        Files.writeString(course.resolve("one.ipynb"), notebook("m:a=New prose.", "b=1 + 1").toJson());
        Files.writeString(course.resolve("three.ipynb"), notebook("m:a=Three.").toJson());

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        assertEquals(List.of(), Update.run(dir.resolve("course"), work, new PrintStream(printed, true, StandardCharsets.UTF_8)));
        String said = printed.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("a=New prose.", "b=1 + 1 // tried"), sources(NotebookFile.read(one)));
        assertTrue(said.contains("ch/one.ipynb: 1 cell(s) updated"), said);
        assertTrue(said.contains("ch/three.ipynb: new, copied in"), said);
        assertTrue(said.contains("1 notebook(s) already up to date"), said);
        assertEquals(twoModified, Files.getLastModifiedTime(two).toMillis(), "an up-to-date copy is not written");
        try (var backups = Files.walk(work.resolve(Update.BACKUP))) {
            Path saved = backups.filter(p -> p.endsWith("ch/one.ipynb")).findFirst().orElseThrow();
            assertEquals(List.of("a=Old prose.", "b=1 + 1 // tried"), sources(NotebookFile.read(saved)));
        }
        assertEquals("{\"n\": 1}", Files.readString(work.resolve("ch/data/n.json")));
        // A data file the course changed replaces the learner's, which is saved first.
        Files.writeString(work.resolve("ch/data/n.json"), "{\"n\": \"mine\"}");
        Files.writeString(course.resolve("data/n.json"), "{\"n\": 2}");
        printed.reset();
        assertEquals(List.of(), Update.run(dir.resolve("course"), work, new PrintStream(printed, true, StandardCharsets.UTF_8)));
        assertEquals("{\"n\": 2}", Files.readString(work.resolve("ch/data/n.json")));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("ch/data/n.json: updated"), printed.toString(StandardCharsets.UTF_8));
        try (var backups = Files.walk(work.resolve(Update.BACKUP))) {
            assertTrue(backups.anyMatch(p -> p.endsWith("ch/data/n.json") && readQuietly(p).contains("mine")), "the learner's data file is saved");
        }
        try (var backups = Files.list(work.resolve(Update.BACKUP))) {
            assertEquals(2, backups.count(), "each run has a backup folder of its own");
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
