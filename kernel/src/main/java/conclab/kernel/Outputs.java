package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the engine reports under the cell it belongs to.
 *
 * <p>Every {@link CellRun} is kept by id, for the life of the kernel process, across engine restarts: a thread
 * of any earlier cell may still print. That is a few kilobytes per cell run (its request message, mostly the
 * cell's code). Output, displays and thread errors carry the id of the cell that owns the thread that
 * produced them, and are published with that run's request as parent. Output that belongs
 * to no cell (the engine process's own stdout, threads no cell started) goes to the running cell, or to the
 * most recent one.
 *
 * <p>Stream text is batched: it is queued on its run and published by the {@code conclab-publisher} thread
 * every {@link #TICK_MILLIS} ms, or at once before a display and at the end of a run, so that a flood of
 * lines becomes a few large messages and order is kept.
 */
final class Outputs {
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);
    static final long TICK_MILLIS = 25;

    private final Connection connection;
    private final Map<Long, CellRun> runs = new ConcurrentHashMap<>();
    private volatile CellRun current, latest;
    /** The kernel's side of input and magic requests; final, given at construction. */
    private final Handlers handlers;

    /** What the kernel does for requests from notebook code. Both may block; each runs on a thread of its own. */
    interface Handlers {
        /** Returns the learner's line for an input request of {@code run}, or null for end of input. */
        String readInput(CellRun run, int request);

        /** Runs the line magic that code of {@code run} asked for ({@code run} is null if no cell has run yet). */
        EngineWire.MagicReply runMagic(CellRun run, String line);
    }

    /**
     * What events need of the session whose engine sent them: where the replies go, how a dying thread's
     * stack is told in cells, what an OutOfMemoryError does. One per engine (see {@link #forEngine}), so an
     * event is never answered by, or formatted with, another engine's session.
     */
    interface EngineSide {
        void inputReply(int request, String line);

        void magicReply(int request, EngineWire.MagicReply reply);

        List<String> formatTrace(List<EngineWire.Failure> chain);

        void outOfMemory(CellRun run);
    }

    Outputs(Connection connection, Handlers handlers) {
        this.connection = connection;
        this.handlers = handlers;
        Thread.ofPlatform().name("conclab-publisher").daemon().start(this::publishLoop);
    }

    /**
     * The listener for one engine's events: output, displays and clears go to the runs as for any engine;
     * thread errors, input and magic requests are answered through {@code side}, that engine's session.
     */
    EngineProcess.Listener forEngine(EngineSide side) {
        return new EngineProcess.Listener() {
            public void output(long cell, byte stream, String text) { Outputs.this.output(cell, stream, text); }

            public void display(long cell, String id, boolean update, Map<String, String> bundle) {
                Outputs.this.display(cell, id, update, bundle);
            }

            public void clearOutput(long cell, boolean wait) { Outputs.this.clearOutput(cell, wait); }

            public void inputRequest(long cell, int request) { Outputs.this.inputRequest(side, cell, request); }

            public void magicRequest(long cell, int request, String line) { Outputs.this.magicRequest(side, cell, request, line); }

            public void threadError(long cell, String thread, List<EngineWire.Failure> chain) {
                Outputs.this.threadError(side, cell, thread, chain);
            }

            public void processOutput(byte stream, String text) { Outputs.this.processOutput(stream, text); }

            public String describeCell(long cell) { return Outputs.this.describeCell(cell); }
        };
    }

    /** The run is executing from now on. */
    void begin(CellRun run) {
        runs.put(run.id, run);
        current = run;
        latest = run;
    }

    /** The run's execution is over: everything it printed so far is published. */
    void end(CellRun run) {
        flush(run);
        if (current == run) current = null;
    }

    CellRun current() {
        return current;
    }

    /** Publishes the run's queued text now. */
    void flush(CellRun run) {
        synchronized (run) {
            List<String> chunks = run.takePending();
            for (int i = 0; i < chunks.size(); i += 2) {
                connection.publish(run.request, "stream", Messages.map("name", chunks.get(i), "text", chunks.get(i + 1)));
            }
        }
    }

    /** Text the kernel itself shows in a run (magics, notices). */
    void print(CellRun run, boolean error, String text) {
        run.append(error ? "stderr" : "stdout", text);
    }

    private CellRun route(long cell) {
        if (cell != EngineWire.NO_CELL) {
            CellRun run = runs.get(cell);
            if (run != null) return run;
        }
        CellRun run = current;
        return run != null ? run : latest;
    }

    // ---------------------------------------------------------------- engine events (see forEngine)

    void output(long cell, byte stream, String text) {
        CellRun run = route(cell);
        if (run == null) {
            LOG.info("engine output with no cell to show it in: {}", text.strip());
            return;
        }
        run.append(stream == EngineWire.STDERR ? "stderr" : "stdout", text);
    }

    String describeCell(long cell) {
        CellRun run = cell == EngineWire.NO_CELL ? null : runs.get(cell);
        return run == null ? "" : " (cell [" + run.executionCount + "])";
    }

    void processOutput(byte stream, String text) {
        output(EngineWire.NO_CELL, stream, text);
    }

    void display(long cell, String displayId, boolean update, Map<String, String> bundle) {
        CellRun run = route(cell);
        if (run == null || run.silent) return;
        synchronized (run) {
            flush(run);
            connection.publish(run.request, update ? "update_display_data" : "display_data", Messages.map(
                    "data", bundle, "metadata", Map.of(), "transient", Map.of("display_id", displayId)));
        }
    }

    void clearOutput(long cell, boolean wait) {
        CellRun run = route(cell);
        if (run == null || run.silent) return;
        synchronized (run) {
            flush(run); // text buffered before the call is sent, then cleared, in that order
            connection.publish(run.request, "clear_output", Messages.map("wait", wait));
        }
    }

    private void threadError(EngineSide side, long cell, String thread, List<EngineWire.Failure> chain) {
        CellRun run = route(cell);
        if (run == null) return;
        StringBuilder text = new StringBuilder("Exception in thread \"").append(thread).append("\" ");
        List<String> lines = side.formatTrace(chain);
        for (String line : lines) text.append(line).append('\n');
        run.append("stderr", text.toString());
        if (chain.getFirst().className().equals("java.lang.OutOfMemoryError")) side.outOfMemory(run);
    }

    private void inputRequest(EngineSide side, long cell, int request) {
        CellRun run = route(cell);
        Thread.ofPlatform().name("conclab-input-" + request).daemon().start(() -> {
            String line = null;
            try {
                line = handlers.readInput(run, request);
            } finally {
                side.inputReply(request, line);
            }
        });
    }

    /** Runs the magic on a thread of its own, so that the engine's events go on flowing while it runs. */
    private void magicRequest(EngineSide side, long cell, int request, String line) {
        CellRun run = route(cell);
        Thread.ofPlatform().name("conclab-magic-" + request).daemon().start(() -> {
            EngineWire.MagicReply reply = new EngineWire.MagicReply(null, "%" + line + " failed in the kernel (see its log)");
            try {
                reply = handlers.runMagic(run, line);
            } catch (RuntimeException e) {
                LOG.warn("magic {} failed", line, e);
            } finally {
                side.magicReply(request, reply);
            }
        });
    }

    private void publishLoop() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
                for (CellRun run : runs.values()) flush(run);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("publishing output failed", e);
            }
        }
    }
}
