package conclab.kernel;

import conclab.kernel.api.MagicContext;
import conclab.kernel.api.MagicError;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The context a magic runs in: the run of its cell, and (for a magic written in the cell) the session to
 * run code in. A magic that notebook code asked for ({@code magic("...")}) has no session to run code in:
 * the engine is busy running the code that waits for the magic.
 *
 * <p>Immutable. The kernel's own magics reach the run through {@link #of}; plug-ins see only
 * {@link MagicContext}.
 */
final class CellContext implements MagicContext {
    final CellRun run;
    private final Outputs outputs;
    /** The cell's session, to run code in and add to its class path; null for a magic asked for by running code. */
    private final InSession inSession;

    /** What a magic written in a cell can do with the cell's session. */
    interface InSession {
        Session.Result eval(String code, int line);

        /** Adds the paths not there yet to this session and to every later one; returns those. */
        List<String> addToClasspath(List<String> paths);
    }

    CellContext(CellRun run, Outputs outputs, InSession inSession) {
        this.run = run;
        this.outputs = outputs;
        this.inSession = inSession;
    }

    /** The kernel's context behind a {@link MagicContext}: the kernel makes every context a magic gets. */
    static CellContext of(MagicContext ctx) {
        return (CellContext) ctx;
    }

    @Override
    public Session.Result eval(String code, int line) throws MagicError {
        if (inSession == null) {
            throw new MagicError("this magic runs code, so it cannot be asked for by running code (magic(...))",
                    "Write it as a magic in a cell of its own.");
        }
        return inSession.eval(code, line);
    }

    @Override
    public List<Path> addToClasspath(List<Path> paths) throws MagicError {
        if (inSession == null) {
            throw new MagicError("this magic changes the class path, so it cannot be asked for by running code (magic(...))",
                    "Write it as a magic in a cell of its own.");
        }
        return inSession.addToClasspath(paths.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList())
                .stream().map(Path::of).toList();
    }

    /** {@link #eval} for the kernel's own magics, which know they were written in a cell. */
    Session.Result evalInCell(String code, int line) {
        if (inSession == null) throw new IllegalStateException("no session to run code in");
        return inSession.eval(code, line);
    }

    @Override
    public void print(String text) {
        outputs.print(run, false, text);
    }

    @Override
    public String display(Map<String, String> bundle) {
        String id = UUID.randomUUID().toString();
        outputs.display(run.id, id, false, bundle);
        return id;
    }

    @Override
    public void updateDisplay(String displayId, Map<String, String> bundle) {
        outputs.display(run.id, displayId, true, bundle);
    }

    @Override
    public boolean isStopping() {
        return run.isStopping();
    }
}
