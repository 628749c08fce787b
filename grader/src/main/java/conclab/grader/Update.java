package conclab.grader;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./conclab update}: brings the course's corrections into a learner's copies (in {@code work/}) and keeps
 * what the learner wrote. Cells are matched by their nbformat ids. A student version records what it gave: in each
 * cell's metadata the digest of its source ({@link #GIVEN}), and in the notebook's the ids of its cells
 * ({@link #CELLS}); both are written by {@link Release} and brought up to date by every update. With them:
 * <ul>
 *   <li>a cell the learner left as given becomes the course's new version (the learner's own tags stay);
 *   <li>a cell only the learner changed is kept;
 *   <li>a cell both changed is kept, and the course's new version is put beside it, as the next cell, its first line
 *       (after a {@code %%} magic's) saying so; the learner merges by hand and deletes it. The kept cell then counts
 *       as based on the new version, so the next update does not report it again. A solution or answer cell is
 *       never doubled (a second {@code %%solution} cell, run, would replace the learner's solution): the update
 *       says that the course changed the code it gives;
 *   <li>a cell the learner added, pasted or split off stays after the cell it followed;
 *   <li>a cell the learner deleted stays deleted; a course cell the course removed goes, unless the learner
 *       changed it;
 *   <li>in a copy made before these records (no digest), every cell whose source differs from the course's new
 *       version is treated as changed by both, once.
 * </ul>
 * A copy with a cell without an id (saved by a Jupyter older than nbformat 4.5) is left as it is, and said so.
 * A copy is written only if something changed, and its previous version is saved first under
 * {@code .update-backup/TIME/} in the workspace; the course's data files are updated the same way. Nothing is
 * lost. Notebooks the course added are copied in.
 */
final class Update {
    private Update() {}

    /** Key, under a cell's {@code metadata.conclab}, of the digest of the source the cell was given. */
    static final String GIVEN = "given";
    /** Key, under a notebook's {@code metadata.conclab}, of the ids of the cells it was given. */
    static final String CELLS = "cells";
    /** Key, under a cell's {@code metadata.conclab}, that marks the course's version put beside a learner's cell. */
    static final String BESIDE = "beside";
    /** The workspace's folder of backups, one folder per update. */
    static final String BACKUP = ".update-backup";

    /** A learner's copy that cannot be merged; it is left as it is. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /**
     * What merging one notebook did: cells updated, added and removed; the cells that got the course's version
     * beside them (0-based indexes in the merged notebook); the exercises whose given code changed under a learner's
     * solution; whether some cell's digest was missing (a copy older than the records); and whether only records
     * (tags, digests) changed.
     */
    record Merged(NotebookFile notebook, int updated, int added, int removed, List<Integer> conflicts,
                  List<String> skeletons, boolean unrecorded, boolean recordsChanged) {
        boolean changed() {
            return updated + added + removed + conflicts.size() + skeletons.size() > 0 || recordsChanged;
        }

        /** One line for the learner; cells are numbered from 1. */
        String summary() {
            List<String> parts = new ArrayList<>();
            if (updated > 0) parts.add(updated + " cell(s) updated");
            if (added > 0) parts.add(added + " new");
            if (removed > 0) parts.add(removed + " removed");
            if (!conflicts.isEmpty()) {
                parts.add(conflicts.size() + " cell(s) " + (unrecorded
                        ? "that differ from the course's new version (this copy is older than ./conclab update, so whose"
                                + " change it is cannot be told)"
                        : "changed by you and by the course") + ": yours are kept, and the course's new version is the"
                        + " cell after each (cell " + String.join(", ", conflicts.stream().map(i -> String.valueOf(i + 2)).toList())
                        + "), to merge by hand and then delete");
            }
            for (String exercise : skeletons) {
                parts.add("the course changed the code it gives for " + exercise + "; your solution is kept as it is"
                        + " (./conclab release writes the new student version into release/)");
            }
            if (parts.isEmpty()) parts.add("tags and records refreshed");
            return String.join("; ", parts);
        }
    }

    /** The digest recorded for {@code source}: 16 hex digits of its SHA-256. */
    static String digest(String source) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** Records what {@code nb} gives a learner: each cell's digest, and the ids of its cells. */
    static void recordGiven(NotebookFile nb) {
        JsonArray ids = new JsonArray();
        for (JsonObject cell : nb.cellObjects()) {
            conclab(cell).addProperty(GIVEN, digest(NotebookFile.source(cell)));
            if (NotebookFile.id(cell) != null) ids.add(NotebookFile.id(cell));
        }
        JsonObject md = nb.metadata();
        if (!md.has("conclab") || !md.get("conclab").isJsonObject()) md.add("conclab", new JsonObject());
        md.getAsJsonObject("conclab").add(CELLS, ids);
    }

    /** The learner's copy {@code mine} merged with the course's new student version {@code course}. */
    static Merged merge(NotebookFile mine, NotebookFile course) throws Refused {
        Set<String> given = givenIds(mine);
        Map<String, JsonObject> mineById = new HashMap<>();
        Set<String> courseIds = new HashSet<>();
        for (JsonObject c : course.cellObjects()) courseIds.add(NotebookFile.id(c));

        // The learner's cells the course does not have (or a second cell with an id: a copy), each after the course
        // cell it followed ("": before the first).
        Map<String, List<JsonObject>> extraAfter = new LinkedHashMap<>();
        int removed = 0;
        String anchor = "";
        for (JsonObject c : mine.cellObjects()) {
            String id = NotebookFile.id(c);
            if (id == null) {
                throw new Refused("a cell has no id (the notebook was saved by a Jupyter older than nbformat 4.5), so its"
                        + " cells cannot be matched with the course's");
            }
            if (courseIds.contains(id) && mineById.putIfAbsent(id, c) == null) {
                anchor = id;
            } else if (given.contains(id) && !isBeside(c) && untouched(c)) {
                removed++; // a course cell the course removed, unchanged by the learner
            } else {
                extraAfter.computeIfAbsent(anchor, k -> new ArrayList<>()).add(c);
            }
        }

        List<JsonObject> out = new ArrayList<>(extraAfter.getOrDefault("", List.of()));
        Set<String> besideIds = new HashSet<>();
        for (JsonObject c : mine.cellObjects()) if (isBeside(c)) besideIds.add(NotebookFile.id(c));
        int updated = 0, added = 0;
        boolean recordsChanged = false, unrecorded = false;
        List<Integer> conflicts = new ArrayList<>();
        List<String> skeletons = new ArrayList<>();
        for (JsonObject theirs : course.cellObjects()) {
            String id = NotebookFile.id(theirs);
            JsonObject ours = mineById.get(id);
            String theirDigest = digest(NotebookFile.source(theirs));
            if (ours == null) {
                if (!given.contains(id)) { // given before and not here: the learner deleted it
                    out.add(theirs);
                    added++;
                }
            } else if (NotebookFile.source(ours).equals(NotebookFile.source(theirs))) {
                out.add(ours);
                recordsChanged |= copyKeys(metadataOf(theirs), NotebookFile.metadata(ours));
            } else if (untouched(ours)) {
                addTags(metadataOf(ours), NotebookFile.metadata(theirs));
                out.add(theirs);
                updated++;
            } else if (theirDigest.equals(givenDigest(ours))) {
                out.add(ours); // the learner changed it, the course did not; a tag the course added still comes
                recordsChanged |= copyKeys(metadataOf(theirs), NotebookFile.metadata(ours));
            } else {
                unrecorded |= givenDigest(ours) == null;
                // From now on based on the course's new version (its digest comes with the course's metadata).
                copyKeys(metadataOf(theirs), NotebookFile.metadata(ours));
                out.add(ours);
                if (exercise(ours) != null) {
                    skeletons.add(exercise(ours));
                } else {
                    conflicts.add(out.size() - 1);
                    JsonObject note = beside(theirs, theirDigest);
                    if (!besideIds.contains(NotebookFile.id(note))) out.add(note);
                }
            }
            out.addAll(extraAfter.getOrDefault(id, List.of()));
        }
        mine.setCells(out);
        JsonObject courseMetadata = course.metadata().deepCopy();
        courseMetadata.remove("language_info"); // the kernel writes its own at every save
        recordsChanged |= copyKeys(courseMetadata, mine.metadata());
        return new Merged(mine, updated, added, removed, conflicts, skeletons, unrecorded, recordsChanged);
    }

    /** The ids of the cells {@code nb} was given, as recorded; empty in a copy older than the records. */
    private static Set<String> givenIds(NotebookFile nb) {
        Set<String> ids = new HashSet<>();
        JsonObject c = nb.metadata().has("conclab") && nb.metadata().get("conclab").isJsonObject()
                ? nb.metadata().getAsJsonObject("conclab") : null;
        if (c != null && c.has(CELLS) && c.get(CELLS).isJsonArray()) {
            for (var id : c.getAsJsonArray(CELLS)) if (id.isJsonPrimitive()) ids.add(id.getAsString());
        }
        return ids;
    }

    /** Adds to {@code to}'s tags those of {@code from} it lacks: a learner's own tags survive an update. */
    private static void addTags(JsonObject from, JsonObject to) {
        if (!from.has("tags") || !from.get("tags").isJsonArray()) return;
        if (!to.has("tags") || !to.get("tags").isJsonArray()) to.add("tags", new JsonArray());
        JsonArray tags = to.getAsJsonArray("tags");
        for (var t : from.getAsJsonArray("tags")) if (!tags.contains(t)) tags.add(t);
    }

    /** Copies every key of {@code from} into {@code to}; says whether that changed {@code to}. */
    private static boolean copyKeys(JsonObject from, JsonObject to) {
        boolean changed = false;
        for (var e : from.entrySet()) {
            if (e.getKey().equals("tags") && e.getValue().isJsonArray()) { // the learner's own tags stay
                JsonArray merged = e.getValue().getAsJsonArray().deepCopy();
                if (to.has("tags") && to.get("tags").isJsonArray()) {
                    for (var t : to.getAsJsonArray("tags")) if (!merged.contains(t)) merged.add(t);
                }
                changed |= !merged.equals(to.get("tags"));
                to.add("tags", merged);
                continue;
            }
            if (!e.getValue().equals(to.get(e.getKey()))) {
                to.add(e.getKey(), e.getValue().deepCopy());
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Updates every learner copy under {@code workspace} from the course's notebooks under {@code course}, and the
     * data files beside them: prints one line per file that changed, and returns the problems (a notebook that cannot
     * be read or written, ...), each of which left its file as it was.
     */
    static List<String> run(Path course, Path workspace, java.io.PrintStream out) throws IOException {
        List<String> problems = new ArrayList<>();
        Backup backup = new Backup(workspace);
        int same = 0, written = 0;
        for (Path file : Release.notebooks(course)) {
            String rel = course.relativize(file.toAbsolutePath().normalize()).toString();
            Path target = workspace.resolve(rel);
            try {
                NotebookFile student = Release.student(NotebookFile.read(file), rel);
                if (!Files.exists(target)) {
                    student.write(target);
                    out.println(rel + ": new, copied in");
                    continue;
                }
                Merged m = merge(NotebookFile.read(target), student);
                if (!m.changed()) {
                    same++;
                    continue;
                }
                backup.save(target, rel);
                writeAtomically(m.notebook().toJson().getBytes(StandardCharsets.UTF_8), target);
                written++;
                out.println(rel + ": " + m.summary());
            } catch (NotebookFile.Unreadable | Release.Invalid | Refused e) {
                problems.add(rel + ": " + e.getMessage() + "; it was left as it is.");
            } catch (IOException e) {
                problems.add(rel + ": could not be written (" + e + "); it was left as it is.");
            }
        }
        for (Path file : Release.dataFiles(course)) {
            String rel = course.relativize(file).toString();
            Path target = workspace.resolve(rel);
            if (Files.exists(target) && Files.mismatch(file, target) == -1) continue;
            if (Files.exists(target)) backup.save(target, rel);
            Files.createDirectories(target.getParent());
            writeAtomically(Files.readAllBytes(file), target);
            out.println(rel + ": " + (backup.has(rel) ? "updated" : "new, copied in"));
        }
        out.println(same + " notebook(s) already up to date.");
        if (backup.folder != null) out.println("What was there before is saved in " + backup.folder + ".");
        if (written > 0) {
            out.println("A notebook open in JupyterLab shows the update after File > Reload Notebook from Disk; saving it"
                    + " before that would write the old version back.");
        }
        return problems;
    }

    /** Writes {@code bytes} into {@code target} through a temporary file beside it, so that a failure leaves it whole. */
    private static void writeAtomically(byte[] bytes, Path target) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".update-tmp");
        try {
            Files.write(temp, bytes);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** This update's backup folder, {@code .update-backup/TIME[-N]}, made at the first file saved in it. */
    private static final class Backup {
        private final Path workspace;
        private final Set<String> saved = new HashSet<>();
        /** Null until a file is saved. */
        Path folder;

        Backup(Path workspace) {
            this.workspace = workspace;
        }

        /** Copies {@code file} (the workspace's {@code rel}) into the backup folder. */
        void save(Path file, String rel) throws IOException {
            if (folder == null) {
                String time = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
                Path root = Files.createDirectories(workspace.resolve(BACKUP));
                folder = root.resolve(time);
                for (int n = 2; Files.exists(folder); n++) folder = root.resolve(time + "-" + n); // never one of an earlier run
                Files.createDirectory(folder);
            }
            Path copy = folder.resolve(rel);
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
            saved.add(rel);
        }

        boolean has(String rel) {
            return saved.contains(rel);
        }
    }

    // ------------------------------------------------------------------ one cell

    /** The exercise of a solution or answer cell, or null. */
    private static String exercise(JsonObject cell) {
        NotebookFile.Cell c = NotebookFile.cell(-1, cell);
        return c.role() == NotebookFile.Role.SOLUTION || c.role() == NotebookFile.Role.ANSWER ? c.exercise() : null;
    }

    /** Whether the cell still has the source it was given; false when no digest was recorded. */
    private static boolean untouched(JsonObject cell) {
        return digest(NotebookFile.source(cell)).equals(givenDigest(cell));
    }

    private static String givenDigest(JsonObject cell) {
        JsonObject c = conclabOrNull(cell);
        return c != null && c.has(GIVEN) && c.get(GIVEN).isJsonPrimitive() ? c.get(GIVEN).getAsString() : null;
    }

    private static boolean isBeside(JsonObject cell) {
        JsonObject c = conclabOrNull(cell);
        return c != null && c.has(BESIDE);
    }

    /**
     * The course's new version of a cell the learner changed, to go beside it: an id of its own, and a first line
     * saying what it is (after a {@code %%} magic's line, which must stay first).
     */
    private static JsonObject beside(JsonObject theirs, String digest) {
        JsonObject copy = theirs.deepCopy();
        copy.addProperty("id", (NotebookFile.id(theirs) + "-course-" + digest.substring(0, 8)).replaceAll("[^A-Za-z0-9_-]", "-"));
        boolean code = "code".equals(copy.get("cell_type").getAsString());
        String note = code
                ? "// ./conclab update: the course's new version of the cell above, which you had changed (yours is kept).\n"
                : "> *./conclab update: the course's new version of the cell above, which you had changed (yours is kept).*\n\n";
        String source = NotebookFile.source(theirs);
        int magicLine = source.startsWith("%%") ? source.indexOf('\n') + 1 : 0;
        source = magicLine > 0 ? source.substring(0, magicLine) + note + source.substring(magicLine) : note + source;
        NotebookFile.setSource(copy, source);
        conclab(copy).addProperty(GIVEN, digest(source));
        conclab(copy).add(BESIDE, new JsonPrimitive(true));
        if (code) {
            copy.add("outputs", new JsonArray());
            copy.add("execution_count", com.google.gson.JsonNull.INSTANCE);
        }
        return copy;
    }

    private static JsonObject metadataOf(JsonObject cell) {
        return cell.has("metadata") && cell.get("metadata").isJsonObject() ? cell.getAsJsonObject("metadata") : new JsonObject();
    }

    private static JsonObject conclab(JsonObject cell) {
        JsonObject md = NotebookFile.metadata(cell);
        if (!md.has("conclab") || !md.get("conclab").isJsonObject()) md.add("conclab", new JsonObject());
        return md.getAsJsonObject("conclab");
    }

    private static JsonObject conclabOrNull(JsonObject cell) {
        JsonObject md = metadataOf(cell);
        return md.has("conclab") && md.get("conclab").isJsonObject() ? md.getAsJsonObject("conclab") : null;
    }
}
