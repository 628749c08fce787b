package conclab.kernel;

import conclab.kernel.api.ClasspathPatterns;
import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import conclab.kernel.engine.Control;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's own magics: {@code %help}, {@code %classpath}, {@code %load}, {@code %%time}, {@code %%timeout},
 * {@code %%linux-only} and the thread magics. Plug-ins add theirs beside them (the exercise cells are the grader's: see
 * {@link Plugins}).
 *
 * <p>A magic prints in its cell and may run code there; what a learner can get wrong (a path that names
 * nothing, a duration that is not one) becomes the cell's error with a hint, never a stack trace.
 */
final class BuiltinMagics {
    private final Kernel kernel;
    private final MagicTable table;

    private BuiltinMagics(Kernel kernel, MagicTable table) {
        this.kernel = kernel;
        this.table = table;
    }

    /**
     * Adds the kernel's own magics to {@code table}. All but {@code %help} talk to the engine, so running code
     * cannot ask for them ({@code magic("threads")} is refused with a hint).
     */
    static void register(Kernel kernel, MagicTable table) {
        BuiltinMagics m = new BuiltinMagics(kernel, table);
        ThreadMagics threads = new ThreadMagics(kernel);
        table.addCellOnlyLine("threads", "%threads: the live threads your cells started (%threads stop stops them;"
                + " %threads notice off silences the end-of-cell notice)", threads::threads);
        table.addCellOnlyLine("deadlocks", "%deadlocks: find threads that wait for each other's locks, and show the cycle",
                (ctx, args) -> threads.deadlocks(ctx));
        table.addLine("help", "%help: what the kernel offers: magics, display, settings", (ctx, args) -> {
            CellContext.of(ctx).run.page(m.help());   // a pager payload: the help is not part of the cell's output
            return Session.Result.NOTHING;
        });
        table.addCellOnlyLine("classpath", "%classpath add PATH...: add jars or class folders (globs like lib/*.jar work);"
                + " %classpath: list them", m::classpath);
        table.addCellOnlyLine("load", "%load FILE: run the Java code (JShell snippets) in FILE, e.g. %load setup.jsh", m::load);
        table.addCell("time", "%%time: run the cell, then print wall time, CPU time of all threads, and peak live threads",
                (ctx, args, body, bodyLine) -> m.time(CellContext.of(ctx), body, bodyLine));
        table.addCell(LINUX_ONLY, "%%linux-only WHAT DIFFERS ELSEWHERE: run the cell on Linux only; on another system,"
                + " print what differs there instead", (ctx, args, body, bodyLine) -> {
            if (args.isEmpty()) {
                throw new MagicError("%%linux-only needs a sentence: what differs on other systems",
                        "Example: %%linux-only macOS has no /proc: ps gives the resident size there.");
            }
            CellContext c = CellContext.of(ctx);
            if (onLinux()) return c.evalInCell(body, bodyLine);
            ctx.print("Linux only, not run here (" + System.getProperty("os.name") + "): " + String.join(" ", args) + "\n");
            return Session.Result.NOTHING;
        });
        table.addCell("timeout", "%%timeout DURATION: run the cell, stopping it like the stop button if it runs longer"
                + " (1s, 500ms, 2m)", (ctx, args, body, bodyLine) -> {
            Duration limit = args.size() == 1 ? Options.parseDuration(args.getFirst()) : null;
            if (limit == null) {
                throw new MagicError("%%timeout needs one duration, like 1s, 500ms or 2m",
                        "Example: %%timeout 2s on the cell's first line, the code below it.");
            }
            CellContext c = CellContext.of(ctx);
            return kernel.withTimeLimit(c.run, limit, () -> c.evalInCell(body, bodyLine));
        });
    }

    /** The cell magic of cells that use what only Linux has (epoll, /proc, signals through the FFM API). */
    static final String LINUX_ONLY = "linux-only";

    /** Whether the kernel runs on Linux (the engine runs on the same system), as {@code os.name} says. */
    static boolean onLinux() {
        return System.getProperty("os.name", "").equals("Linux");
    }

    // ------------------------------------------------------------------ the magics

    private String help() {
        StringBuilder b = new StringBuilder();
        b.append("conclab ").append(Kernel.VERSION).append(": Java ").append(System.getProperty("java.version"))
                .append(", notebook code runs in an engine JVM of its own.\n\nMagics\n");
        table.usages().forEach((name, usage) -> b.append("  ").append(usage).append('\n'));
        b.append("""

                Rich output (from any thread)
                  display(value)                  show a value (pictures and tables of the course library render)
                  display("<b>hi</b>", "text/html")  show text as the given MIME types
                  String id = display(value); updateDisplay(id, newValue)   a live view, updated in place
                  clearOutput(true)               clear what the cell showed, once the next output comes
                  The value of a cell is its last expression, written without a closing semicolon.

                Stopping code
                  The stop button interrupts the running cell and stops every thread it started. If the cell
                  does not stop within 3 s, the engine JVM is restarted (its variables are lost).
                  %%timeout 2s on a cell's first line does the same when the cell runs longer than 2 s.

                Settings (in the kernelspec's env, see the README)
                  CONCLAB_JVM_OPTS, CONCLAB_COMPILER_OPTS, CONCLAB_CLASSPATH, CONCLAB_TIMEOUT,
                  CONCLAB_STARTUP, CONCLAB_OUTPUT_LIMIT
                """);
        return b.toString();
    }

    private Session.Result classpath(MagicContext ctx, List<String> args) throws MagicError {
        if (args.isEmpty()) {
            List<String> added = kernel.sessions().addedClasspath();
            ctx.print(added.isEmpty() ? "Nothing added with %classpath yet.\n" : String.join("\n", added) + "\n");
            return Session.Result.NOTHING;
        }
        if (!args.getFirst().equals("add") || args.size() < 2) {
            throw new MagicError("%classpath " + String.join(" ", args) + ": expected %classpath add PATH...",
                    "Example: %classpath add lib/*.jar");
        }
        List<String> found = new ArrayList<>();
        for (String pattern : args.subList(1, args.size())) {
            List<String> paths = ClasspathPatterns.expand(pattern, Kernel.workingFolder());
            if (paths.isEmpty()) {
                throw new MagicError("%classpath: nothing matches " + pattern,
                        "Paths are relative to " + Kernel.workingFolder() + " (the notebook's folder).");
            }
            found.addAll(paths);
        }
        for (String path : kernel.sessions().addClasspath(session(kernel), found)) ctx.print("Added " + path + "\n");
        return Session.Result.NOTHING;
    }

    private Session.Result load(MagicContext ctx, List<String> args) throws MagicError {
        if (args.size() != 1) throw new MagicError("%load needs one file", "Example: %load setup.jsh");
        Path file = Kernel.workingFolder().resolve(args.getFirst());
        String code;
        try {
            code = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MagicError("%load: cannot read " + file + " (" + e.getClass().getSimpleName() + ")",
                    "Paths are relative to " + Kernel.workingFolder() + " (the notebook's folder).");
        }
        return CellContext.of(ctx).evalInCell(code, 1);
    }

    private Session.Result time(CellContext ctx, String body, int bodyLine) {
        Session session;
        try {
            session = kernel.session();
        } catch (IOException e) {
            return new Session.Result(null, ErrorReport.of("EngineError", e.getMessage(), e.getMessage()));
        }
        Control.Stats before = session.stats(true);
        long start = System.nanoTime();
        Session.Result result = ctx.evalInCell(body, bodyLine);
        long wall = System.nanoTime() - start;
        if (!session.isAlive()) return result;
        Control.Stats after = session.stats(false);
        double wallS = wall / 1e9, cpuS = (after.processCpuNanos() - before.processCpuNanos()) / 1e9;
        ctx.print(String.format("Wall time: %.3f s · CPU time, all threads: %.3f s (%.0f%% of one processor)"
                        + " · peak live platform threads: %d (%d when the cell began)%n",
                wallS, cpuS, wallS > 0 ? 100 * cpuS / wallS : 0, after.peakThreads(), before.liveThreads()));
        return result;
    }

    /** The kernel's session, for a magic; a magic error if the engine cannot start. */
    static Session session(Kernel kernel) throws MagicError {
        try {
            return kernel.session();
        } catch (IOException e) {
            throw new MagicError("the engine is not running: " + e.getMessage(), "Restart the kernel.");
        }
    }
}
