package conclab.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Magics: kernel commands written in a cell, {@code %name args} on a line of its own or {@code %%name args}
 * on a cell's first line (then the rest of the cell is the magic's body).
 *
 * <p>A line is a magic when it starts, in column 0, with {@code %} and a letter; Java never starts a line
 * that way in practice. A cell is split into {@link Part}s: runs of Java code and line magics, run in order.
 * What each magic does is in {@link MagicTable}.
 */
final class Magics {
    private Magics() {}

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

    /**
     * Reads a line magic that running code asked for ({@code magic("threads stop")}): its name and arguments,
     * with or without the {@code %}; null if {@code text} is not one line that starts with a magic's name.
     */
    static Line parseLine(String text) {
        if (text == null || text.contains("\n")) return null;
        String line = text.strip();
        Matcher m = LINE_MAGIC.matcher(line.startsWith("%") ? line : "%" + line);
        return m.matches() ? new Line(m.group(1), Args.split(m.group(2)), 1) : null;
    }
}
