package conclab.grader;

import com.google.gson.FormattingStyle;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jupyter notebook file as JSON, with what the grader needs: its cells' sources and the exercise cells
 * among them. Written back the way {@code nbformat} writes (keys sorted, one-space indent, sources as lists
 * of lines), so that released notebooks diff cleanly.
 *
 * <p>Exercise cells: a solution cell starts with {@code %%solution NAME}, a quiz answer cell with
 * {@code %%answer NAME}, and a check cell is {@code %check NAME} (or {@code check("NAME")}) alone.
 */
final class NotebookFile {
    private static final Pattern SOLUTION = Pattern.compile("^%%solution\\s+(\\S+)\\s*$");
    private static final Pattern ANSWER = Pattern.compile("^%%answer\\s+(\\S+)\\s*$");
    private static final Pattern CHECK = Pattern.compile("^(?:%check\\s+(\\S+)|check\\(\"([^\"]+)\"\\);?)$");
    private static final Gson GSON = new GsonBuilder().setFormattingStyle(FormattingStyle.PRETTY.withIndent(" "))
            .disableHtmlEscaping().serializeNulls().create();

    /** A notebook that cannot be read; the message says why, for a learner or an instructor. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** What an exercise cell is. */
    enum Role { SOLUTION, ANSWER, CHECK }

    /**
     * A cell. {@code exercise} and {@code role} are set for exercise cells; {@code body} is the source
     * after the first line of a solution or answer cell, which starts on cell line {@code bodyLine}.
     */
    record Cell(int index, String type, String source, JsonObject json, String exercise, Role role) {
        String body() {
            int nl = source.indexOf('\n');
            return nl < 0 ? "" : source.substring(nl + 1);
        }

        static final int BODY_LINE = 2;
    }

    private final JsonObject json;

    private NotebookFile(JsonObject json) {
        this.json = json;
    }

    static NotebookFile read(Path file) throws Unreadable {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Unreadable("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
        return parse(text, file.getFileName().toString());
    }

    static NotebookFile parse(String text, String name) throws Unreadable {
        JsonElement root;
        try {
            root = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            String why = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^[\\w.]+Exception: ", "")
                    .replaceAll("\\s*See https://\\S+", "").strip();
            throw new Unreadable(name + " is not valid JSON, so it is not a notebook any more (" + why
                    + "). Open it in a text editor or take it again from the release.");
        } catch (StackOverflowError e) {
            throw new Unreadable(name + " nests JSON too deeply to be a notebook.");
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("cells")
                || !root.getAsJsonObject().get("cells").isJsonArray()) {
            throw new Unreadable(name + " is JSON but not a notebook: it has no list of cells.");
        }
        return new NotebookFile(root.getAsJsonObject());
    }

    /** The cells, in order. */
    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        JsonArray array = json.getAsJsonArray("cells");
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).isJsonObject()) cells.add(cell(i, array.get(i).getAsJsonObject()));
        }
        return cells;
    }

    /** The cell {@code c}, at {@code index}, with its exercise and role found from its first line. */
    static Cell cell(int index, JsonObject c) {
        String type = c.has("cell_type") && c.get("cell_type").isJsonPrimitive() ? c.get("cell_type").getAsString() : "";
        String source = source(c.get("source"));
        String exercise = null;
        Role role = null;
        if (type.equals("code")) {
            String first = source.lines().findFirst().orElse("").strip();
            Matcher m;
            if ((m = SOLUTION.matcher(first)).matches()) {
                exercise = m.group(1);
                role = Role.SOLUTION;
            } else if ((m = ANSWER.matcher(first)).matches()) {
                exercise = m.group(1);
                role = Role.ANSWER;
            } else if ((m = CHECK.matcher(source.strip())).matches()) {
                exercise = m.group(1) != null ? m.group(1) : m.group(2);
                role = Role.CHECK;
            }
        }
        return new Cell(index, type, source, c, exercise, role);
    }

    /** The last solution or answer cell of {@code exercise}, or null. */
    Cell answerCell(String exercise) {
        Cell found = null;
        for (Cell c : cells()) {
            if (exercise.equals(c.exercise()) && (c.role() == Role.SOLUTION || c.role() == Role.ANSWER)) found = c;
        }
        return found;
    }

    /** The exercises this notebook has solution or answer cells for, in order, each once. */
    List<String> exercises() {
        List<String> names = new ArrayList<>();
        for (Cell c : cells()) {
            if (c.role() != null && c.role() != Role.CHECK && !names.contains(c.exercise())) names.add(c.exercise());
        }
        return names;
    }

    /** Replaces cell {@code index}'s source; its outputs stay (see {@link #clearOutputs}). */
    void setSource(int index, String source) {
        setSource(json.getAsJsonArray("cells").get(index).getAsJsonObject(), source);
    }

    /** Adds {@code tag} to the tags of cell {@code index} (metadata {@code tags}), unless it is there already. */
    void addTag(int index, String tag) {
        JsonObject metadata = metadata(json.getAsJsonArray("cells").get(index).getAsJsonObject());
        if (!metadata.has("tags") || !metadata.get("tags").isJsonArray()) metadata.add("tags", new JsonArray());
        JsonArray tags = metadata.getAsJsonArray("tags");
        for (JsonElement t : tags) if (t.isJsonPrimitive() && t.getAsString().equals(tag)) return;
        tags.add(tag);
    }

    /** The cells' JSON objects, live: changing one changes this notebook. */
    List<JsonObject> cellObjects() {
        List<JsonObject> cells = new ArrayList<>();
        for (JsonElement e : json.getAsJsonArray("cells")) if (e.isJsonObject()) cells.add(e.getAsJsonObject());
        return cells;
    }

    /** Makes {@code cells} this notebook's cells, in order. */
    void setCells(List<JsonObject> cells) {
        JsonArray array = new JsonArray();
        cells.forEach(array::add);
        json.add("cells", array);
    }

    /** The notebook's metadata (kernelspec, ...), live; made empty if it has none. */
    JsonObject metadata() {
        if (!json.has("metadata") || !json.get("metadata").isJsonObject()) json.add("metadata", new JsonObject());
        return json.getAsJsonObject("metadata");
    }

    /** A cell's metadata, live; made empty if it has none. */
    static JsonObject metadata(JsonObject cell) {
        if (!cell.has("metadata") || !cell.get("metadata").isJsonObject()) cell.add("metadata", new JsonObject());
        return cell.getAsJsonObject("metadata");
    }

    /** A cell's id (nbformat 4.5), or null. */
    static String id(JsonObject cell) {
        return cell.has("id") && cell.get("id").isJsonPrimitive() ? cell.get("id").getAsString() : null;
    }

    /** A cell's source, joined. */
    static String source(JsonObject cell) {
        return source(cell.get("source"));
    }

    /** Sets a cell's source, as nbformat writes it (a list of lines). */
    static void setSource(JsonObject cell, String source) {
        cell.add("source", lines(source));
    }

    /** Removes every output and execution count. */
    void clearOutputs() {
        for (JsonElement e : json.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            if (c.has("outputs")) c.add("outputs", new JsonArray());
            if (c.has("execution_count")) c.add("execution_count", com.google.gson.JsonNull.INSTANCE);
        }
    }

    /** The notebook as nbformat writes it. */
    String toJson() {
        return GSON.toJson(sorted(json)) + "\n";
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson(), StandardCharsets.UTF_8);
    }

    static String source(JsonElement source) {
        if (source == null || source.isJsonNull()) return "";
        if (source.isJsonPrimitive()) return source.getAsString();
        StringBuilder b = new StringBuilder();
        if (source.isJsonArray()) {
            for (JsonElement line : source.getAsJsonArray()) {
                if (line.isJsonPrimitive()) b.append(line.getAsString());
            }
        }
        return b.toString();
    }

    private static JsonArray lines(String source) {
        JsonArray a = new JsonArray();
        int start = 0;
        while (start < source.length()) {
            int nl = source.indexOf('\n', start);
            int end = nl < 0 ? source.length() : nl + 1;
            a.add(new JsonPrimitive(source.substring(start, end)));
            start = end;
        }
        return a;
    }

    private static JsonElement sorted(JsonElement e) {
        if (e.isJsonObject()) {
            TreeMap<String, JsonElement> map = new TreeMap<>();
            e.getAsJsonObject().entrySet().forEach(en -> map.put(en.getKey(), sorted(en.getValue())));
            JsonObject o = new JsonObject();
            map.forEach(o::add);
            return o;
        }
        if (e.isJsonArray()) {
            JsonArray a = new JsonArray();
            e.getAsJsonArray().forEach(x -> a.add(sorted(x)));
            return a;
        }
        return e;
    }
}
