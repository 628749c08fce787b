package conclab.kernel;

import conclab.kernel.engine.Control;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's magics: {@code %help}, {@code %classpath}, {@code %load}, {@code %%time}, {@code %%timeout}, the thread magics
 * and the exercise cells ({@code %%solution}, {@code %%answer}, {@code %check}).
 *
 * <p>A magic prints in its cell and may run code there; what a learner can get wrong (a path that names
 * nothing, an unknown magic) becomes the cell's error with a hint, never a stack trace.
 */
final class BuiltinMagics {
    private final Kernel kernel;
    private final Map<String, Magics.LineMagic> line = new TreeMap<>();
    private final Map<String, Magics.CellMagic> cell = new TreeMap<>();

    BuiltinMagics(Kernel kernel, Exercises exercises) {
        this.kernel = kernel;
        cell.put("solution", new Magics.CellMagic() {
            public String usage() {
                return "%%solution NAME: an exercise's solution cell: runs the code and keeps it for %check NAME";
            }

            public Session.Result run(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
                return exercises.solution(ctx, args, body, bodyLine);
            }
        });
        cell.put("answer", new Magics.CellMagic() {
            public String usage() {
                return "%%answer NAME: the answer to a quiz question, kept for %check NAME";
            }

            public Session.Result run(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
                return exercises.answer(ctx, args, body);
            }
        });
        line.put("check", new Magics.LineMagic() {
            public String usage() {
                return "%check NAME: check the exercise's solution in a JVM of its own; the value is the points"
                        + " (check(\"NAME\") does the same from Java)";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) throws Magics.MagicError {
                return exercises.check(ctx, args);
            }
        });
        cell.put("check", new Magics.CellMagic() {
            public String usage() {
                return "%%check NAME: check the code of this cell as a solution of NAME, without running or keeping it";
            }

            public Session.Result run(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
                return exercises.checkCell(ctx, args, body, bodyLine);
            }
        });
        ThreadMagics threads = new ThreadMagics(kernel);
        line.put("threads", new Magics.LineMagic() {
            public String usage() {
                return "%threads: the live threads your cells started (%threads stop stops them; %threads notice off"
                        + " silences the end-of-cell notice)";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) throws Magics.MagicError {
                return threads.threads(ctx, args);
            }
        });
        line.put("deadlocks", new Magics.LineMagic() {
            public String usage() {
                return "%deadlocks: find threads that wait for each other's locks, and show the cycle";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) throws Magics.MagicError {
                return threads.deadlocks(ctx);
            }
        });
        line.put("help", new Magics.LineMagic() {
            public String usage() {
                return "%help: what the kernel offers: magics, display, settings";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) {
                ctx.run().page(help());             // a pager payload: the help is not part of the cell's output
                return Session.Result.NOTHING;
            }
        });
        line.put("classpath", new Magics.LineMagic() {
            public String usage() {
                return "%classpath add PATH...: add jars or class folders (globs like lib/*.jar work); %classpath: list them";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) throws Magics.MagicError {
                return classpath(ctx, args);
            }
        });
        line.put("load", new Magics.LineMagic() {
            public String usage() {
                return "%load FILE: run the Java code (JShell snippets) in FILE, e.g. %load setup.jsh";
            }

            public Session.Result run(Magics.Context ctx, List<String> args) throws Magics.MagicError {
                return load(ctx, args);
            }
        });
        cell.put("time", new Magics.CellMagic() {
            public String usage() {
                return "%%time: run the cell, then print wall time, CPU time of all threads, and peak live threads";
            }

            public Session.Result run(Magics.Context ctx, List<String> args, String body, int bodyLine) {
                return time(ctx, body, bodyLine);
            }
        });
        cell.put("timeout", new Magics.CellMagic() {
            public String usage() {
                return "%%timeout DURATION: run the cell, stopping it like the stop button if it runs longer (1s, 500ms, 2m)";
            }

            public Session.Result run(Magics.Context ctx, List<String> args, String body, int bodyLine) throws Magics.MagicError {
                Duration limit = args.size() == 1 ? Options.parseDuration(args.getFirst()) : null;
                if (limit == null) {
                    throw new Magics.MagicError("%%timeout needs one duration, like 1s, 500ms or 2m",
                            "Example: %%timeout 2s on the cell's first line, the code below it.");
                }
                return kernel.withTimeLimit(ctx.run(), limit, () -> ctx.eval(body, bodyLine));
            }
        });
    }

    /** Every magic's name as typed ({@code %help}, {@code %%time}). */
    List<String> names() {
        return new ArrayList<>(Magics.usages(line, cell).keySet());
    }

    Session.Result runLine(Magics.Line part, Magics.Context ctx) {
        Magics.LineMagic m = line.get(part.name());
        if (m == null) return unknown("%" + part.name(), part.line());
        try {
            return m.run(ctx, part.args());
        } catch (Magics.MagicError e) {
            return error(e);
        }
    }

    Session.Result runCell(Magics.Cell part, Magics.Context ctx) {
        Magics.CellMagic m = cell.get(part.name());
        if (m == null) {
            if (line.containsKey(part.name())) {
                return error(new Magics.MagicError("%%" + part.name() + " is a line magic",
                        "Write it with one % on a line of its own: %" + part.name()));
            }
            return unknown("%%" + part.name(), part.line());
        }
        try {
            return m.run(ctx, part.args(), part.body(), part.line() + 1);
        } catch (Magics.MagicError e) {
            return error(e);
        }
    }

    private Session.Result unknown(String name, int lineNumber) {
        return error(new Magics.MagicError("Unknown magic " + name + " (line " + lineNumber + ")",
                "The magics are: " + String.join(", ", names()) + ". %help explains them."));
    }

    private static Session.Result error(Magics.MagicError e) {
        return new Session.Result(null, Report.of("MagicError", e.getMessage(),
                Errors.BOLD_RED + e.getMessage() + Errors.RESET, e.hint));
    }

    // ------------------------------------------------------------------ the magics

    private String help() {
        StringBuilder b = new StringBuilder();
        b.append("conclab ").append(Kernel.VERSION).append(": Java ").append(System.getProperty("java.version"))
                .append(", notebook code runs in an engine JVM of its own.\n\nMagics\n");
        Magics.usages(line, cell).forEach((name, usage) -> b.append("  ").append(usage).append('\n'));
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

    private Session.Result classpath(Magics.Context ctx, List<String> args) throws Magics.MagicError {
        if (args.isEmpty()) {
            List<String> added = kernel.addedClasspath();
            ctx.print(added.isEmpty() ? "Nothing added with %classpath yet.\n" : String.join("\n", added) + "\n");
            return Session.Result.NOTHING;
        }
        if (!args.getFirst().equals("add") || args.size() < 2) {
            throw new Magics.MagicError("%classpath " + String.join(" ", args) + ": expected %classpath add PATH...",
                    "Example: %classpath add lib/*.jar");
        }
        List<String> found = new ArrayList<>();
        for (String pattern : args.subList(1, args.size())) {
            List<String> paths = ClasspathPatterns.expand(pattern, Kernel.workingFolder());
            if (paths.isEmpty()) {
                throw new Magics.MagicError("%classpath: nothing matches " + pattern,
                        "Paths are relative to " + Kernel.workingFolder() + " (the notebook's folder).");
            }
            found.addAll(paths);
        }
        Session session = session(kernel);
        for (String path : found) {
            if (kernel.addClasspath(session, path)) ctx.print("Added " + path + "\n");
        }
        return Session.Result.NOTHING;
    }

    private Session.Result load(Magics.Context ctx, List<String> args) throws Magics.MagicError {
        if (args.size() != 1) throw new Magics.MagicError("%load needs one file", "Example: %load setup.jsh");
        Path file = Kernel.workingFolder().resolve(args.getFirst());
        String code;
        try {
            code = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Magics.MagicError("%load: cannot read " + file + " (" + e.getClass().getSimpleName() + ")",
                    "Paths are relative to " + Kernel.workingFolder() + " (the notebook's folder).");
        }
        return ctx.eval(code, 1);
    }

    private Session.Result time(Magics.Context ctx, String body, int bodyLine) {
        Session session;
        try {
            session = kernel.session();
        } catch (IOException e) {
            return new Session.Result(null, Report.of("EngineError", e.getMessage(), e.getMessage()));
        }
        Control.Stats before = session.stats(true);
        long start = System.nanoTime();
        Session.Result result = ctx.eval(body, bodyLine);
        long wall = System.nanoTime() - start;
        if (!session.isAlive()) return result;
        Control.Stats after = session.stats(false);
        double wallS = wall / 1e9, cpuS = (after.processCpuNanos() - before.processCpuNanos()) / 1e9;
        ctx.print(String.format("Wall time: %.3f s · CPU time, all threads: %.3f s (%.0f%% of one core)"
                        + " · peak live platform threads: %d (%d when the cell began)%n",
                wallS, cpuS, wallS > 0 ? 100 * cpuS / wallS : 0, after.peakThreads(), before.liveThreads()));
        return result;
    }

    /** The kernel's session, for a magic; a magic error if the engine cannot start. */
    static Session session(Kernel kernel) throws Magics.MagicError {
        try {
            return kernel.session();
        } catch (IOException e) {
            throw new Magics.MagicError("the engine is not running: " + e.getMessage(), "Restart the kernel.");
        }
    }
}
