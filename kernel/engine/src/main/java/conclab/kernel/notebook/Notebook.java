package conclab.kernel.notebook;

import conclab.kernel.engine.Engine;
import conclab.kernel.engine.Rendering;
import java.util.Map;
import java.util.UUID;

/**
 * Rich output from notebook code: what {@code display} and {@code updateDisplay} mean in a cell.
 *
 * <p>The kernel imports these methods statically into every notebook. They work from any thread: a display
 * appears under the cell that owns the calling thread (the cell that started it), even after that cell has
 * finished, and {@code updateDisplay} replaces a display in place, wherever it is (a live view).
 *
 * <p>How a value becomes a picture, a table or text is described in {@link Rendering}: in short, any object
 * with a public {@code Map<String, String> mimeBundle()} method renders as that bundle.
 *
 * <p>Outside the conclab kernel (plain jshell, a test), a display prints the value's text to
 * {@code System.out} instead.
 */
public final class Notebook {
    private Notebook() {}

    /** Shows {@code value} under the calling thread's cell; returns the display id, for updates. */
    public static String display(Object value) {
        return send(Rendering.bundle(value), null, false);
    }

    /**
     * Shows {@code value} as the given MIME types, e.g. {@code display("<b>bold</b>", "text/html")};
     * returns the display id.
     */
    public static String display(Object value, String... mimeTypes) {
        return send(Rendering.bundle(value, mimeTypes), null, false);
    }

    /** Replaces the display {@code displayId} (returned by {@code display}) with {@code value}. */
    public static void updateDisplay(String displayId, Object value) {
        send(Rendering.bundle(value), requireId(displayId), true);
    }

    /** Replaces the display {@code displayId} with {@code value} shown as the given MIME types. */
    public static void updateDisplay(String displayId, Object value, String... mimeTypes) {
        send(Rendering.bundle(value, mimeTypes), requireId(displayId), true);
    }

    /**
     * Clears what the calling thread's cell has shown so far (text and displays). With {@code wait}, the
     * notebook clears it only when the next output arrives: a progress line or a picture redrawn in a loop,
     * {@code clearOutput(true)} then the new one, replaces the old without flicker. Outside the conclab kernel
     * it does nothing.
     */
    public static void clearOutput(boolean wait) {
        Engine engine = Engine.instance();
        if (engine != null) engine.clearOutput(wait);
    }

    /** {@code clearOutput(false)}: clears the cell's output now. */
    public static void clearOutput() {
        clearOutput(false);
    }

    /**
     * Runs the line magic {@code line} as if {@code %line} were written in the calling thread's cell, and returns
     * its value as text (null when it has none); for instance {@code magic("threads")}. Plug-ins build Java
     * methods on this: {@code check("NAME")} is {@code magic("check NAME")}. It blocks until the magic is done.
     * A magic called this way cannot run code in the cell (its cell is busy running this call).
     *
     * @throws IllegalArgumentException when there is no such magic or its arguments are wrong: the message
     *         says what to do
     * @throws IllegalStateException outside the conclab kernel (plain jshell, a test), which has no magics
     */
    public static String magic(String line) {
        Engine engine = Engine.instance();
        if (engine == null) throw new IllegalStateException("magic(\"" + line + "\") needs the conclab kernel");
        return engine.magic(line);
    }

    private static String requireId(String displayId) {
        if (displayId == null || displayId.isBlank()) {
            throw new IllegalArgumentException("updateDisplay needs the id that display(...) returned");
        }
        return displayId;
    }

    private static String send(Map<String, String> bundle, String displayId, boolean update) {
        Engine engine = Engine.instance();
        if (engine != null) return engine.display(bundle, displayId, update);
        System.out.println(bundle.getOrDefault("text/plain", bundle.values().stream().findFirst().orElse("")));
        return displayId != null ? displayId : UUID.randomUUID().toString();
    }
}
