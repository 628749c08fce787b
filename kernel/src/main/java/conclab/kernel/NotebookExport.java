package conclab.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jdk.jshell.JShell;

/**
 * {@code java -jar conclab-kernel.jar export NOTEBOOK [--out FILE]} ({@code ./conclab export}): writes a Java
 * notebook's code cells as a {@code jshell} script ({@link JshellScript} says how each cell is translated), by
 * default beside the notebook with the extension {@code .jsh}, and prints one line: where it wrote it and whether
 * jshell runs it as the notebook does.
 *
 * <p>What the user can get wrong (no such file, a file that is not a notebook, a notebook in another language, an
 * {@code --out} in a folder that does not exist) is one line on stderr that says what to do, and exit code
 * {@value #BAD_INPUT}. The script is written whole or not at all: to a temporary file in the same folder, then
 * moved over {@code FILE}.
 */
final class NotebookExport {
    /** The exit code for input the command cannot use. */
    static final int BAD_INPUT = 2;
    static final String USAGE = "usage: ./conclab export NOTEBOOK.ipynb [--out FILE.jsh]";

    private NotebookExport() {}

    /** Input the command cannot use; the message is the whole line to print, with what to do. */
    static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** What was asked: the notebook and the script to write. */
    record Request(Path notebook, Path out) {
        /** Reads {@code NOTEBOOK [--out FILE]}. */
        static Request parse(List<String> args) throws BadInput {
            Path notebook = null, out = null;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--out")) {
                    if (i + 1 == args.size()) throw new BadInput("--out needs a file name. " + USAGE);
                    out = Path.of(args.get(++i));
                } else if (arg.startsWith("-")) {
                    throw new BadInput("unknown option " + arg + ". " + USAGE);
                } else if (notebook != null) {
                    throw new BadInput("one notebook at a time (got " + notebook + " and " + arg + "). " + USAGE);
                } else {
                    notebook = Path.of(arg);
                }
            }
            if (notebook == null) throw new BadInput("which notebook? " + USAGE);
            if (out == null) out = notebook.resolveSibling(baseName(notebook) + ".jsh");
            return new Request(notebook, out);
        }
    }

    /** Runs the command; returns its exit code. */
    static int run(List<String> args) {
        try {
            Request request = Request.parse(args);
            JshellScript.Script script = export(request);
            write(request.out(), script.text());
            System.out.println("Wrote " + request.out() + " (" + (script.runsAsTheNotebook()
                    ? "jshell runs it as the notebook does, but for what only the notebook shows"
                    : "jshell runs it, but not as the notebook does: see its first lines") + ")");
            return 0;
        } catch (BadInput e) {
            System.err.println("conclab export: " + e.getMessage());
            return BAD_INPUT;
        } catch (IOException e) {
            System.err.println("conclab export: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    /** The script of the request's notebook; nothing is written. */
    static JshellScript.Script export(Request request) throws BadInput, IOException {
        List<JshellScript.CodeCell> cells = codeCells(request.notebook());
        Path out = request.out().toAbsolutePath().normalize();
        if (!Files.isDirectory(out.getParent())) {
            throw new BadInput("the folder " + out.getParent() + " of --out does not exist: create it, or give --out a file in an existing folder");
        }
        if (Files.exists(out) && Files.isSameFile(out, request.notebook())) {
            throw new BadInput("--out names the notebook itself: give a .jsh file");
        }
        Path folder = request.notebook().toAbsolutePath().normalize().getParent();
        Options options = Options.fromEnvironment();
        JshellScript.Setting setting = new JshellScript.Setting(folder, JShellCommand.classpath(options),
                howToRun(options, folder, out));
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            return JshellScript.translate(request.notebook().getFileName().toString(), cells, setting, shell.sourceCodeAnalysis());
        }
    }

    /**
     * The code cells of the notebook at {@code path}, numbered among all its cells from 1.
     *
     * @throws BadInput if there is no such file, it is not a Jupyter notebook (version 4: a JSON object with
     *         {@code cells}), or its kernel's language is not Java
     */
    static List<JshellScript.CodeCell> codeCells(Path path) throws BadInput, IOException {
        if (!Files.isRegularFile(path)) {
            throw new BadInput("no notebook " + path + ": give the path of an .ipynb file, e.g. notebooks/00-start-here.ipynb");
        }
        JsonObject notebook;
        try {
            JsonElement json = JsonParser.parseString(Files.readString(path, StandardCharsets.UTF_8));
            if (!json.isJsonObject() || !json.getAsJsonObject().has("cells") || !json.getAsJsonObject().get("cells").isJsonArray()) {
                throw new JsonParseException("no cells");
            }
            notebook = json.getAsJsonObject();
        } catch (JsonParseException | java.nio.charset.MalformedInputException e) {
            throw new BadInput(path + " is not a Jupyter notebook (a JSON file with cells, nbformat 4): give an .ipynb file");
        }
        String language = language(notebook);
        if (language != null && !language.equalsIgnoreCase("java")) {
            throw new BadInput(path + " is a " + language + " notebook: export writes Java notebooks as jshell scripts");
        }
        List<JshellScript.CodeCell> cells = new ArrayList<>();
        JsonArray all = notebook.getAsJsonArray("cells");
        for (int i = 0; i < all.size(); i++) {
            JsonObject cell = all.get(i).getAsJsonObject();
            if (!cell.has("cell_type") || !cell.get("cell_type").getAsString().equals("code")) continue;
            cells.add(new JshellScript.CodeCell(i + 1, source(cell), tags(cell).contains("raises-exception")));
        }
        return cells;
    }

    /** The notebook's kernel language (its kernelspec's, else its language_info's), or null if it names none. */
    private static String language(JsonObject notebook) {
        JsonObject metadata = notebook.has("metadata") && notebook.get("metadata").isJsonObject() ? notebook.getAsJsonObject("metadata") : new JsonObject();
        for (String[] at : new String[][] {{"kernelspec", "language"}, {"language_info", "name"}}) {
            if (metadata.get(at[0]) instanceof JsonObject o && o.get(at[1]) instanceof JsonElement e && e.isJsonPrimitive()) {
                return e.getAsString();
            }
        }
        return null;
    }

    /** A cell's source: nbformat allows one string or a list of lines. */
    private static String source(JsonObject cell) {
        JsonElement source = cell.get("source");
        if (source == null || source.isJsonNull()) return "";
        if (source.isJsonPrimitive()) return source.getAsString();
        StringBuilder b = new StringBuilder();
        for (JsonElement line : source.getAsJsonArray()) b.append(line.getAsString());
        return b.toString();
    }

    private static List<String> tags(JsonObject cell) {
        List<String> tags = new ArrayList<>();
        if (cell.get("metadata") instanceof JsonObject metadata && metadata.get("tags") instanceof JsonArray array) {
            for (JsonElement tag : array) tags.add(tag.getAsString());
        }
        return tags;
    }

    /** The head's lines on running the script: from the notebook's folder, with ./conclab jshell or the JDK's jshell. */
    static List<String> howToRun(Options options, Path notebookFolder, Path script) {
        List<String> lines = new ArrayList<>();
        lines.add("Run it from the notebook's folder (its cells name files relative to it): with the course's jshell,");
        lines.add("  cd " + notebookFolder + " && " + launcher().map(Path::toString).orElse("./conclab") + " jshell " + script);
        lines.add("or with the JDK's jshell alone:");
        List<String> plain = new ArrayList<>(List.of("jshell", "--class-path", String.join(java.io.File.pathSeparator, JShellCommand.classpath(options))));
        plain.addAll(JShellCommand.engineOptions(options));
        plain.add(script.toString());
        lines.add("  " + String.join(" ", plain));
        lines.add("jshell prints what the cells print, and each cell's value through display(...), a stub of this script.");
        return lines;
    }

    /** The course's launcher, when this kernel runs from the build's folder (kernel/target/dist). */
    private static Optional<Path> launcher() {
        Path dist = Options.kernelJar().getParent();
        if (dist == null || !dist.endsWith(Path.of("kernel", "target", "dist"))) return Optional.empty();
        Path launcher = dist.getParent().getParent().getParent().resolve("conclab");
        return Files.isRegularFile(launcher) ? Optional.of(launcher) : Optional.empty();
    }

    /** Writes {@code text} to {@code out} whole: a temporary file in the same folder, moved over it. */
    static void write(Path out, String text) throws IOException {
        Path folder = out.toAbsolutePath().getParent();
        Path temporary = Files.createTempFile(folder, "." + out.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String baseName(Path notebook) {
        String name = notebook.getFileName().toString();
        return name.endsWith(".ipynb") ? name.substring(0, name.length() - ".ipynb".length()) : name;
    }
}
