package conclab.grader.cells;

import conclab.kernel.notebook.Notebook;

/**
 * {@code check("NAME")} in notebook code: the one class of the grader that runs in the engine, imported
 * statically into every session by the exercise cells' plug-in. It is packed alone in
 * {@code conclab-grader-cells.jar}: notebook code sees every class on its class path, and the grader jar holds
 * the hidden tests.
 */
public final class NotebookChecks {
    private NotebookChecks() {}

    /** Checks exercise {@code name} like a {@code %check NAME} cell: shows the feedback, returns the points. */
    public static int check(String name) {
        String points = Notebook.magic("check " + name);
        return points == null ? 0 : Integer.parseInt(points.strip());
    }
}
