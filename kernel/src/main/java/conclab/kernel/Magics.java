package conclab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Magics: kernel commands written in a cell, {@code %name args} on a line of its own or {@code %%name args}
 * on a cell's first line (then the rest of the cell is the magic's body).
 *
 * <p>A line is a magic when it starts, in column 0, with {@code %} and a letter; Java never starts a line
 * that way in practice. A cell is split into {@link Part}s: runs of Java code and line magics, run in order.
 */
final class Magics {
    private Magics() {}

    /** What a magic can do: run code, print in the cell, reach the kernel. */
    interface Context {
        /** Runs Java code as if it were cell code starting at {@code line}; returns its result. */
        Session.Result eval(String code, int line);

        void print(String text);

        /** Shows a MIME bundle (text/html, text/plain, ...) in the cell. */
        void display(java.util.Map<String, String> bundle);

        Run run();
    }

    /** A failure a learner can fix; shown as the cell's error with {@code hint}. */
    static final class MagicError extends Exception {
        final String hint;

        MagicError(String message, String hint) {
            super(message);
            this.hint = hint;
        }
    }

    interface LineMagic {
        String usage();

        Session.Result run(Context ctx, List<String> args) throws MagicError;
    }

    interface CellMagic {
        String usage();

        Session.Result run(Context ctx, List<String> args, String body, int bodyLine) throws MagicError;
    }

    /** A piece of a cell: Java code, a line magic, or (for the whole cell) a cell magic. */
    sealed interface Part permits Code, Line, Cell {
        int line();
    }

    record Code(String code, int line) implements Part {}

    record Line(String name, List<String> args, int line) implements Part {}

    record Cell(String name, List<String> args, String body, int line) implements Part {}

    private static final Pattern LINE_MAGIC = Pattern.compile("^%([A-Za-z][\\w-]*)(.*)$");
    private static final Pattern CELL_MAGIC = Pattern.compile("^%%([A-Za-z][\\w-]*)(.*)$");

    /** Splits a cell into its parts, numbering lines from 1. */
    static List<Part> parse(String cell) {
        String[] lines = cell.split("\n", -1);
        List<Part> parts = new ArrayList<>();
        Matcher first = CELL_MAGIC.matcher(lines[0].stripTrailing());
        if (first.matches()) {
            String body = cell.indexOf('\n') < 0 ? "" : cell.substring(cell.indexOf('\n') + 1);
            parts.add(new Cell(first.group(1), Args.split(first.group(2)), body, 1));
            return parts;
        }
        StringBuilder code = new StringBuilder();
        int codeLine = 1;
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LINE_MAGIC.matcher(lines[i].stripTrailing());
            if (m.matches()) {
                if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeLine));
                code.setLength(0);
                parts.add(new Line(m.group(1), Args.split(m.group(2)), i + 1));
                codeLine = i + 2;
            } else {
                if (code.isEmpty() && lines[i].isBlank()) {
                    codeLine = i + 2;
                    continue;
                }
                code.append(lines[i]).append('\n');
            }
        }
        if (!code.toString().isBlank()) parts.add(new Code(code.toString(), codeLine));
        return parts;
    }

    /** The known magics: line magics as {@code %name}, cell magics as {@code %%name}, sorted. */
    static Map<String, String> usages(Map<String, LineMagic> line, Map<String, CellMagic> cell) {
        Map<String, String> all = new TreeMap<>();
        line.forEach((name, m) -> all.put("%" + name, m.usage()));
        cell.forEach((name, m) -> all.put("%%" + name, m.usage()));
        return all;
    }
}
