package conclab.kernel;

import java.util.List;

/**
 * An error to show as a cell's result: the fields of Jupyter's {@code error} message and error reply.
 *
 * @param name      short name of the error, e.g. {@code IllegalStateException} or {@code CompileError}
 * @param value     the message
 * @param traceback the lines to show, with ANSI colours
 */
record ErrorReport(String name, String value, List<String> traceback) {
    static ErrorReport of(String name, String value, String... lines) {
        return new ErrorReport(name, value, List.of(lines));
    }
}
