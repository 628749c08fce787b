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
 * what the learner wrote. Cells are matched by their nbformat ids. Each cell of a student version records a digest
 * of the source it was given ({@link #GIVEN}, written by {@link Release}), so that a cell the learner changed can
 * be told from one the course changed:
 * <ul>
 *   <li>a cell the learner left as given becomes the course's new version;
 *   <li>a solution or answer cell the learner changed is kept as it is, and said so if the course changed the code
 *       it gives (never doubled: a second {@code %%solution} cell, run, would replace the learner's solution);
 *   <li>any other cell the learner changed is kept, and if the course changed it too, the course's new version is
 *       put beside it, as the next cell, named so in its first line (a <em>conflict</em>: the learner merges by
 *       hand); such a cell is made again at every update until the learner edits or deletes it;
 *   <li>a cell the learner added stays after the cell it followed; a course cell the course removed goes, unless
 *       the learner changed it;
 *   <li>a cell of a copy made before digests were recorded is treated as changed, so every cell the course changed
 *       comes beside it.
 * </ul>
 * A copy is written only if something changed; its previous version is kept first under
 * {@code .update-backup/TIME/} in the workspace, so nothing is lost. Notebooks the course added are copied in.
 */
final class Update {
    private Update() {}

    /** The cell metadata key under {@code conclab} that holds the digest of the source a cell was given. */
    static final String GIVEN = "given";
    static final String BACKUP = ".update-backup";

    /** What merging one notebook did. */
    record Merged(NotebookFile notebook, int updated, int added, int removed, int refreshed, List<Integer> conflicts,
                  List<String> skeletons) {
        boolean changed() {
            return updated + added + removed + refreshed + conflicts.size() + skeletons.size() > 0;
        }

        /** One line for the learner; cells are numbered from 1. */
        String summary() {
            List<String> parts = new ArrayList<>();
            if (updated > 0) parts.add(updated + " cell(s) updated");
            if (added > 0) parts.add(added + " new");
            if (removed > 0) parts.add(removed + " removed");
            if (refreshed > 0 && parts.isEmpty()) parts.add("the records of " + refreshed + " cell(s) refreshed");
            if (!conflicts.isEmpty()) {
                parts.add(conflicts.size() + " cell(s) changed by you and by the course: yours are kept, and the"
                        + " course's new version is the cell after each (cell " + String.join(", ",
                        conflicts.stream().map(i -> String.valueOf(i + 1)).toList()) + "), to merge by hand");
            }
            for (String exercise : skeletons) {
                parts.add("the course changed the given code of " + exercise + "; your solution is kept as it is"
                        + " (the new one is in the course's notebooks/)");
            }
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

    /** Records, in each cell's metadata, the digest of the source it has now (the source a learner is given). */
    static void recordGiven(NotebookFile nb) {
        for (JsonObject cell : nb.cellObjects()) {
            conclab(cell).addProperty(GIVEN, digest(NotebookFile.source(cell)));
        }
    }

    /** The learner's copy {@code mine} merged with the course's new student version {@code course}. */
    static Merged merge(NotebookFile mine, NotebookFile course) {
        Map<String, JsonObject> mineById = new HashMap<>();
        for (JsonObject c : mine.cellObjects()) if (NotebookFile.id(c) != null) mineById.put(NotebookFile.id(c), c);
        Set<String> courseIds = new HashSet<>();
        for (JsonObject c : course.cellObjects()) if (NotebookFile.id(c) != null) courseIds.add(NotebookFile.id(c));

        // The learner's cells that the course does not have, each after the course cell it followed ("": first).
        Map<String, List<JsonObject>> extraAfter = new LinkedHashMap<>();
        int removed = 0;
        String anchor = "";
        for (JsonObject c : mine.cellObjects()) {
            String id = NotebookFile.id(c);
            if (id != null && courseIds.contains(id)) {
                anchor = id;
                continue;
            }
            if (untouched(c)) { // a course cell the course removed, or the course's version beside a conflict
                if (!isBeside(c)) removed++; // (that one is made again below if the conflict is still there)
                continue;
            }
            extraAfter.computeIfAbsent(anchor, k -> new ArrayList<>()).add(c);
        }

        List<JsonObject> out = new ArrayList<>(extraAfter.getOrDefault("", List.of()));
        int updated = 0, added = 0, refreshed = 0;
        List<Integer> conflicts = new ArrayList<>();
        List<String> skeletons = new ArrayList<>();
        for (JsonObject theirs : course.cellObjects()) {
            String id = NotebookFile.id(theirs);
            JsonObject ours = id == null ? null : mineById.get(id);
            if (ours == null) {
                out.add(theirs);
                added++;
            } else if (NotebookFile.source(ours).equals(NotebookFile.source(theirs))) {
                out.add(ours);
                if (copyKeys(metadataOf(theirs), NotebookFile.metadata(ours))) refreshed++; // tags, the digest
            } else if (untouched(ours)) {
                out.add(theirs);
                updated++;
            } else if (digest(NotebookFile.source(theirs)).equals(givenDigest(ours))) {
                out.add(ours); // the learner changed it, the course did not
            } else if (exercise(ours) != null) {
                out.add(ours); // a solution is never doubled: a second %%solution cell would replace it when run
                skeletons.add(exercise(ours));
            } else {
                out.add(ours);
                conflicts.add(out.size());
                out.add(beside(theirs));
            }
            if (id != null) out.addAll(extraAfter.getOrDefault(id, List.of()));
        }
        mine.setCells(out);
        JsonObject courseMetadata = course.metadata().deepCopy();
        courseMetadata.remove("language_info"); // the kernel writes it at every save
        if (copyKeys(courseMetadata, mine.metadata())) refreshed++;
        return new Merged(mine, updated, added, removed, refreshed, conflicts, skeletons);
    }

    /** Copies every key of {@code from} into {@code to}; says whether that changed {@code to}. */
    private static boolean copyKeys(JsonObject from, JsonObject to) {
        boolean changed = false;
        for (var e : from.entrySet()) {
            if (!e.getValue().equals(to.get(e.getKey()))) {
                to.add(e.getKey(), e.getValue().deepCopy());
                changed = true;
            }
        }
        return changed;
    }

    /**
     * Updates every learner copy under {@code workspace} from the course's notebooks under {@code course}: prints
     * one line per notebook that changed, and returns the problems (a notebook that cannot be read, ...).
     */
    static List<String> run(Path course, Path workspace, java.io.PrintStream out) throws IOException {
        List<String> problems = new ArrayList<>();
        Path backup = workspace.resolve(BACKUP).resolve(java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-'));
        int same = 0;
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
                Path saved = backup.resolve(rel);
                Files.createDirectories(saved.getParent());
                Files.copy(target, saved, StandardCopyOption.REPLACE_EXISTING);
                Path temp = target.resolveSibling(target.getFileName() + ".update-tmp");
                m.notebook().write(temp);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.println(rel + ": " + m.summary());
            } catch (NotebookFile.Unreadable | Release.Invalid e) {
                problems.add(rel + ": " + e.getMessage() + " It was left as it is.");
            }
        }
        Release.copyData(course, workspace, false);
        out.println(same + " notebook(s) already up to date." + (Files.isDirectory(backup)
                ? " The notebooks as they were before: " + backup : ""));
        return problems;
    }

    // ------------------------------------------------------------------ one cell

    /** The exercise of a solution or answer cell, or null. */
    private static String exercise(JsonObject cell) {
        String[] first = NotebookFile.source(cell).lines().findFirst().orElse("").strip().split("\\s+");
        return first.length == 2 && (first[0].equals("%%solution") || first[0].equals("%%answer")) ? first[1] : null;
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
        return c != null && c.has("beside");
    }

    /** The course's new version of a cell the learner changed, to go beside it: a new id, and a first line saying so. */
    private static JsonObject beside(JsonObject theirs) {
        JsonObject copy = theirs.deepCopy();
        copy.addProperty("id", (NotebookFile.id(theirs) + "-course").replaceAll("[^A-Za-z0-9_-]", "-"));
        boolean code = "code".equals(copy.get("cell_type").getAsString());
        String note = code
                ? "// ./conclab update: the course's new version of the cell above, which you had changed (yours is kept).\n"
                : "> *./conclab update: the course's new version of the cell above, which you had changed (yours is kept).*\n\n";
        String source = note + NotebookFile.source(theirs);
        NotebookFile.setSource(copy, source);
        conclab(copy).addProperty(GIVEN, digest(source));
        conclab(copy).add("beside", new JsonPrimitive(true));
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
