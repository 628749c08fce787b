package conclab.kernel.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a magic can do in the cell it runs for. A magic runs either for a cell part ({@code %name} or
 * {@code %%name}, on the kernel's shell thread) or for running code that asked for it
 * ({@code Notebook.magic("name args")}, on a thread of the kernel's own while that code waits).
 *
 * <p>Output goes under the cell in order with the cell's other output. All methods but {@link #eval} may be
 * called from any thread, also from threads the magic starts, while the magic runs.
 */
public interface MagicContext {
    /**
     * Runs Java code as if it were cell code starting at {@code line}; returns its value, or its error (a
     * compile error, an exception) as a result that makes the cell fail.
     *
     * @throws MagicError when the magic was asked for by running code, which cannot run more code until the
     *         magic returns
     */
    MagicResult eval(String code, int line) throws MagicError;

    /**
     * Adds jars or class folders to the class path of this session's compiler and engine, and of every later session
     * (an engine started again after a crash or a restart gets them too), as {@code %classpath add} does; all in one
     * step. Returns those that were not on it yet, in order.
     *
     * @throws MagicError when the magic was asked for by running code, whose engine is busy running it
     */
    List<Path> addToClasspath(List<Path> paths) throws MagicError;

    /** Prints {@code text} on the cell's standard output. */
    void print(String text);

    /** Shows a MIME bundle ({@code text/plain}, {@code text/html}, ...) under the cell; returns its display id. */
    String display(Map<String, String> bundle);

    /** Replaces what display {@code displayId} shows, wherever it is (a "checking..." line, then the result). */
    void updateDisplay(String displayId, Map<String, String> bundle);

    /**
     * Whether the cell is being stopped (the stop button, a time limit): a long magic polls this and returns
     * early. The thread running the magic is not interrupted.
     */
    boolean isStopping();
}
