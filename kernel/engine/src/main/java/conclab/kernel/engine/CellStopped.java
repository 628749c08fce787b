package conclab.kernel.engine;

/**
 * Thrown by the stop checks in snippet code when the cell that owns the thread was interrupted.
 *
 * <p>It is an {@link Error}, so {@code catch (Exception e)} in notebook code does not swallow it; code that
 * catches {@code Throwable} and loops on meets the next stop check and is thrown out again. It carries no
 * stack trace: it is a control signal, not a failure.
 */
public final class CellStopped extends Error {
    private static final long serialVersionUID = 1L;

    CellStopped(long cell) {
        super("cell " + cell + " was interrupted", null, false, false);
    }
}
