package conclab.pic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;
import net.sourceforge.plantuml.error.PSystemError;

/**
 * Renders the course's diagrams: every {@code pic/src/NAME.puml} becomes {@code pic/NAME.svg}.
 *
 * <p>Each picture records the hash of its source (with the files it includes) in a comment, so that a
 * test can tell a stale picture from a fresh one by the source alone: rendered bytes differ from machine to
 * machine with the fonts, sources do not. Files whose name starts with {@code _} are includes (the shared
 * style), not diagrams.
 *
 * <p>Each picture carries its text alternative, for screen readers and for anyone who cannot see it: its root
 * element has {@code role="img"}, a {@code <title>} (the source's {@code title} line) and a {@code <desc>} (the
 * source's {@code ' desc:} comment lines, in order), named by {@code aria-labelledby}. A source without either does
 * not render.
 *
 * <p>{@code java conclab.pic.Diagrams render PIC_DIR} renders what is stale; {@code check PIC_DIR} lists
 * the stale pictures and fails if there are any.
 */
public final class Diagrams {
    private Diagrams() {}

    private static final Pattern INCLUDE = Pattern.compile("(?m)^!include\\s+(\\S+)\\s*$");
    private static final Pattern STAMP = Pattern.compile("<!-- conclab-source sha256=([0-9a-f]{64}) -->");
    private static final Pattern TITLE = Pattern.compile("(?m)^title\\s+(.+)$");
    private static final Pattern DESC = Pattern.compile("(?m)^'\\s*desc:\\s*(.*)$");
    private static final Pattern ROOT = Pattern.compile("<svg\\b[^>]*?(/?)>");

    /** A diagram that PlantUML cannot draw; the message says which line and why. */
    public static final class DiagramError extends Exception {
        DiagramError(String message) {
            super(message);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !List.of("render", "check").contains(args[0])) {
            System.err.println("usage: Diagrams render|check PIC_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        int failed = 0, rendered = 0;
        for (Path source : sources(dir)) {
            Path target = pictureOf(dir, source);
            if (!isStale(source, target)) continue;
            if (args[0].equals("check")) {
                System.err.println("stale: " + dir.relativize(target) + " (run ./conclab diagrams)");
                failed++;
                continue;
            }
            try {
                Files.writeString(target, stamp(render(source), hash(source)));
                System.out.println("rendered " + dir.relativize(target));
                rendered++;
            } catch (DiagramError e) {
                System.err.println(dir.relativize(source) + ": " + e.getMessage());
                failed++;
            }
        }
        if (args[0].equals("render")) System.out.println(rendered + " rendered, " + failed + " failed");
        if (failed > 0) System.exit(1);
    }

    /** The diagram sources of {@code picDir}, sorted by name. */
    public static List<Path> sources(Path picDir) throws IOException {
        try (Stream<Path> files = Files.list(picDir.resolve("src"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".puml"))
                    .filter(p -> !p.getFileName().toString().startsWith("_"))
                    .sorted().toList();
        }
    }

    public static Path pictureOf(Path picDir, Path source) {
        String name = source.getFileName().toString();
        return picDir.resolve(name.substring(0, name.length() - ".puml".length()) + ".svg");
    }

    /** True if {@code picture} is missing or was drawn from another version of {@code source}. */
    public static boolean isStale(Path source, Path picture) throws IOException {
        if (!Files.isRegularFile(picture)) return true;
        return !hash(source).equals(recordedHash(Files.readString(picture)));
    }

    /** The source with its includes inlined: what PlantUML is given. */
    static String expanded(Path source) throws IOException {
        String text = Files.readString(source);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Path included = source.resolveSibling(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(Files.readString(included)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** SHA-256 of the expanded source: a change to the shared style makes every picture stale. */
    public static String hash(Path source) throws IOException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(expanded(source).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash recorded in a picture, or null. */
    public static String recordedHash(String svg) {
        Matcher m = STAMP.matcher(svg);
        return m.find() ? m.group(1) : null;
    }

    /** Draws a diagram as SVG; throws with PlantUML's message when the source has an error. */
    public static String render(Path source) throws IOException, DiagramError {
        String text = expanded(source);
        String title = titleOf(text), desc = descOf(text);
        if (title.isEmpty() || desc.isEmpty()) {
            throw new DiagramError("no " + (title.isEmpty() ? "'title ...' line" : "'' desc: ...' comment line") + ": every picture"
                    + " needs a title and a description, its text alternative for screen readers (see pic/src/thread-states.puml)");
        }
        SourceStringReader reader = new SourceStringReader(text);
        if (reader.getBlocks().isEmpty()) throw new DiagramError("no @start... / @end... block");
        if (reader.getBlocks().getFirst().getDiagram() instanceof PSystemError error) {
            throw new DiagramError(String.join("; ", error.getDescription().getDescription(),
                    String.valueOf(error.getLineLocation())));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        reader.outputImage(bytes, new FileFormatOption(FileFormat.SVG));
        String svg = bytes.toString(StandardCharsets.UTF_8);
        if (svg.contains("Cannot find Graphviz") || svg.contains("Dot Executable")) {
            throw new DiagramError("this diagram needs Graphviz; add '!pragma layout smetana' (PlantUML's own layout)");
        }
        if (svg.contains("This syntax is deprecated")) {
            throw new DiagramError("PlantUML warns that some syntax is deprecated (the warning would show in the"
                    + " picture); render it and read the warning");
        }
        return labelled(svg, source.getFileName().toString().replace(".puml", ""), title, desc);
    }

    /** The text of the source's {@code title} line (PlantUML's {@code \\n} as a space), or "". */
    static String titleOf(String source) {
        Matcher m = TITLE.matcher(source);
        return m.find() ? m.group(1).replace("\\n", " ").strip() : "";
    }

    /** The text of the source's {@code ' desc:} lines, joined by spaces, or "". */
    static String descOf(String source) {
        StringBuilder desc = new StringBuilder();
        for (Matcher m = DESC.matcher(source); m.find(); ) desc.append(desc.isEmpty() ? "" : " ").append(m.group(1).strip());
        return desc.toString().strip();
    }

    /** {@code svg} with role, aria-labelledby, title and desc as the first things in its root element. */
    static String labelled(String svg, String name, String title, String desc) throws DiagramError {
        Matcher root = ROOT.matcher(svg);
        if (!root.find() || !root.group(1).isEmpty()) throw new DiagramError("PlantUML drew no <svg> root element with content");
        String id = "pic-" + name;
        String tag = svg.substring(root.start(), root.end() - 1) + " role=\"img\" aria-labelledby=\"" + id + "-title " + id + "-desc\">";
        return svg.substring(0, root.start()) + tag + "<title id=\"" + id + "-title\">" + escape(title) + "</title><desc id=\""
                + id + "-desc\">" + escape(desc) + "</desc>" + svg.substring(root.end());
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The SVG with the source hash recorded in a comment after its XML declaration. */
    static String stamp(String svg, String hash) {
        String comment = "<!-- conclab-source sha256=" + hash + " -->";
        if (svg.startsWith("<?xml")) {
            int end = svg.indexOf("?>") + 2;
            return svg.substring(0, end) + comment + svg.substring(end);
        }
        return comment + svg;
    }
}
