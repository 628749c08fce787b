package conclab.kernel;

import conclab.kernel.api.CellMagic;
import conclab.kernel.api.LineMagic;
import conclab.kernel.api.MagicError;
import conclab.kernel.api.MagicResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Every magic the kernel knows, the built-in ones and those of plug-ins, by name; and running one.
 *
 * <p>Filled on the kernel's main thread before the first cell (see {@link BuiltinMagics} and {@link Plugins}),
 * read-only afterwards: the maps are safely published by the kernel's start, which happens-before any
 * request is read. A name is taken once: a plug-in cannot replace a built-in magic or another plug-in's.
 *
 * <p>Running a magic turns what a learner can get wrong into the cell's error with a hint: a
 * {@link MagicError}, an unknown name, a line magic written as a cell magic. A magic that throws anything
 * else is a bug in it, reported the same way with the exception's name, never as a stack trace alone.
 */
final class MagicTable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][\\w-]*");

    /** {@code fromCode}: whether running code may ask for it (see {@link #runLineFromCode}). */
    private record Line(String usage, LineMagic magic, boolean fromCode) {}

    private record Cell(String usage, CellMagic magic) {}

    private final Map<String, Line> lines = new TreeMap<>();
    private final Map<String, Cell> cells = new TreeMap<>();

    /**
     * Adds {@code %name}, which running code may ask for; throws IllegalArgumentException if the name is taken
     * or malformed. A plug-in's magics are all of this kind: they reach the engine only through
     * {@link CellContext#eval}, which refuses when code asked.
     */
    void addLine(String name, String usage, LineMagic magic) {
        putLine(name, new Line(usage, magic, true));
    }

    /**
     * Adds {@code %name} for cells only: a kernel magic that talks to the engine over JShell's channel
     * (threads, class path, statistics), which is busy while code runs, so running code cannot ask for it.
     */
    void addCellOnlyLine(String name, String usage, LineMagic magic) {
        putLine(name, new Line(usage, magic, false));
    }

    private void putLine(String name, Line line) {
        check(name, lines.containsKey(name), "%");
        lines.put(name, line);
    }

    /** Adds {@code %%name}; throws IllegalArgumentException if the name is taken or malformed. */
    void addCell(String name, String usage, CellMagic magic) {
        check(name, cells.containsKey(name), "%%");
        cells.put(name, new Cell(usage, magic));
    }

    private static void check(String name, boolean taken, String prefix) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a magic's name is a letter, then letters, digits, _ or -: not " + name);
        }
        if (taken) throw new IllegalArgumentException(prefix + name + " is taken");
    }

    /** Every magic as typed ({@code %help}, {@code %%time}), with its usage line, sorted. */
    Map<String, String> usages() {
        Map<String, String> all = new TreeMap<>();
        lines.forEach((name, m) -> all.put("%" + name, m.usage()));
        cells.forEach((name, m) -> all.put("%%" + name, m.usage()));
        return all;
    }

    /** Every magic's name as typed. */
    List<String> names() {
        return new ArrayList<>(usages().keySet());
    }

    Session.Result runLine(Magics.Line part, CellContext ctx) {
        Line m = lines.get(part.name());
        if (m == null) return unknown("%" + part.name(), part.line());
        return run(m, part, ctx);
    }

    /** {@link #runLine} for a magic that running code asked for: a cell-only one is refused. */
    Session.Result runLineFromCode(Magics.Line part, CellContext ctx) {
        Line m = lines.get(part.name());
        if (m == null) return unknown("%" + part.name(), part.line());
        if (!m.fromCode()) {
            return error(new MagicError("%" + part.name() + " cannot be asked for by running code: it needs the engine,"
                    + " which is busy running that code", "Write %" + part.name() + " in a cell of its own."));
        }
        return run(m, part, ctx);
    }

    private static Session.Result run(Line m, Magics.Line part, CellContext ctx) {
        try {
            return asSessionResult(m.magic().run(ctx, part.args()));
        } catch (MagicError e) {
            return error(e);
        } catch (RuntimeException e) {
            return failed("%" + part.name(), e);
        }
    }

    Session.Result runCell(Magics.Cell part, CellContext ctx) {
        Cell m = cells.get(part.name());
        if (m == null) {
            if (lines.containsKey(part.name())) {
                return error(new MagicError("%%" + part.name() + " is a line magic",
                        "Write it with one % on a line of its own: %" + part.name()));
            }
            return unknown("%%" + part.name(), part.line());
        }
        try {
            return asSessionResult(m.magic().run(ctx, part.args(), part.body(), part.line() + 1));
        } catch (MagicError e) {
            return error(e);
        } catch (RuntimeException e) {
            return failed("%%" + part.name(), e);
        }
    }

    /** A plug-in's magic returns a plain value; a result of {@code eval} may carry the code's error: keep it. */
    private static Session.Result asSessionResult(MagicResult r) {
        if (r == null) return Session.Result.NOTHING;
        return r instanceof Session.Result s ? s : new Session.Result(r.value(), null);
    }

    private Session.Result unknown(String name, int lineNumber) {
        return error(new MagicError("Unknown magic " + name + " (line " + lineNumber + ")",
                "The magics are: " + String.join(", ", names()) + ". %help explains them."));
    }

    static Session.Result error(MagicError e) {
        return new Session.Result(null, ErrorReport.of("MagicError", e.getMessage(),
                Errors.BOLD_RED + e.getMessage() + Errors.RESET, e.hint()));
    }

    private static Session.Result failed(String magic, RuntimeException e) {
        String what = magic + " failed: " + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new Session.Result(null, ErrorReport.of("MagicError", what, Errors.BOLD_RED + what + Errors.RESET,
                "This is a bug in the magic, not in your cell; the kernel's log has the stack trace."));
    }
}
