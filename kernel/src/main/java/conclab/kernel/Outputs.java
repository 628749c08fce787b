package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the engine reports under the cell it belongs to.
 *
 * <p>Every {@link Run} is kept by id; output, displays and thread errors carry the id of the cell that owns
 * the thread that produced them, and are published with that run's request as parent. Output that belongs
 * to no cell (the engine process's own stdout, threads no cell started) goes to the running cell, or to the
 * most recent one.
 *
 * <p>Stream text is batched: it is queued on its run and published by the {@code conclab-publisher} thread
 * every {@link #TICK_MILLIS} ms, or at once before a display and at the end of a run, so that a flood of
 * lines becomes a few large messages and order is kept.
 */
final class Outputs implements EngineProcess.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);
    static final long TICK_MILLIS = 25;

    private final Connection connection;
    private final Map<Long, Run> runs = new ConcurrentHashMap<>();
    private volatile Run current, latest;
    /** Turns a thread's death into an error report; set by the kernel (it knows the snippets). */
    private volatile Function<List<EngineWire.Failure>, List<String>> traceFormatter = chain -> List.of(chain.toString());
    /** Called when a thread of a run died of an OutOfMemoryError; set by the kernel. */
    private volatile java.util.function.Consumer<Run> outOfMemory = run -> { };
    /** Answers input requests; set by the kernel. */
    private volatile InputHandler inputHandler = (run, request, prompt) -> null;
    /** Sends an input reply to the current engine; set by the kernel whenever an engine starts. */
    private volatile BiConsumer<Integer, String> replyToEngine = (request, line) -> { };

    /** Runs a line magic that notebook code asked for, for its run (null: no cell); set by the kernel. */
    private volatile java.util.function.BiFunction<Run, String, EngineWire.MagicReply> magicHandler =
            (run, line) -> new EngineWire.MagicReply(null, "no magics yet");
    /** Sends what a magic gave to the current engine; set by the kernel whenever an engine starts. */
    private volatile BiConsumer<Integer, EngineWire.MagicReply> magicReplies = (request, reply) -> { };

    interface InputHandler {
        /** Returns the learner's line, or null for end of input. May block. */
        String read(Run run, int request, String prompt);
    }

    Outputs(Connection connection) {
        this.connection = connection;
        Thread.ofPlatform().name("conclab-publisher").daemon().start(this::publishLoop);
    }

    void setTraceFormatter(Function<List<EngineWire.Failure>, List<String>> formatter) {
        this.traceFormatter = formatter;
    }

    void setOutOfMemoryHandler(java.util.function.Consumer<Run> handler) {
        this.outOfMemory = handler;
    }

    void setInputHandler(InputHandler handler) {
        this.inputHandler = handler;
    }

    void setMagicHandler(java.util.function.BiFunction<Run, String, EngineWire.MagicReply> handler) {
        this.magicHandler = handler;
    }

    void setMagicReplies(BiConsumer<Integer, EngineWire.MagicReply> replies) {
        this.magicReplies = replies;
    }

    void setInputReplies(BiConsumer<Integer, String> replyToEngine) {
        this.replyToEngine = replyToEngine;
    }

    /** The run is executing from now on. */
    void begin(Run run) {
        runs.put(run.id, run);
        current = run;
        latest = run;
    }

    /** The run's execution is over: everything it printed so far is published. */
    void end(Run run) {
        flush(run);
        if (current == run) current = null;
    }

    Run current() {
        return current;
    }

    /** Publishes the run's queued text now. */
    void flush(Run run) {
        synchronized (run) {
            List<String> chunks = run.takePending();
            for (int i = 0; i < chunks.size(); i += 2) {
                connection.publish(run.request, "stream", Messages.map("name", chunks.get(i), "text", chunks.get(i + 1)));
            }
        }
    }

    /** Text the kernel itself shows in a run (magics, notices). */
    void print(Run run, boolean error, String text) {
        run.append(error ? "stderr" : "stdout", text);
    }

    private Run route(long cell) {
        if (cell != EngineWire.NO_CELL) {
            Run run = runs.get(cell);
            if (run != null) return run;
        }
        Run run = current;
        return run != null ? run : latest;
    }

    // ---------------------------------------------------------------- EngineProcess.Listener

    @Override
    public void output(long cell, byte stream, String text) {
        Run run = route(cell);
        if (run == null) {
            LOG.info("engine output with no cell to show it in: {}", text.strip());
            return;
        }
        run.append(stream == EngineWire.STDERR ? "stderr" : "stdout", text);
    }

    @Override
    public String describeCell(long cell) {
        Run run = cell == EngineWire.NO_CELL ? null : runs.get(cell);
        return run == null ? "" : " (cell [" + run.executionCount + "])";
    }

    @Override
    public void processOutput(byte stream, String text) {
        output(EngineWire.NO_CELL, stream, text);
    }

    @Override
    public void display(long cell, String displayId, boolean update, Map<String, String> bundle) {
        Run run = route(cell);
        if (run == null || run.silent) return;
        synchronized (run) {
            flush(run);
            connection.publish(run.request, update ? "update_display_data" : "display_data", Messages.map(
                    "data", bundle, "metadata", Map.of(), "transient", Map.of("display_id", displayId)));
        }
    }

    @Override
    public void clearOutput(long cell, boolean wait) {
        Run run = route(cell);
        if (run == null || run.silent) return;
        synchronized (run) {
            flush(run); // text buffered before the call is sent, then cleared, in that order
            connection.publish(run.request, "clear_output", Messages.map("wait", wait));
        }
    }

    @Override
    public void threadError(long cell, String thread, List<EngineWire.Failure> chain) {
        Run run = route(cell);
        if (run == null) return;
        StringBuilder text = new StringBuilder("Exception in thread \"").append(thread).append("\" ");
        List<String> lines = traceFormatter.apply(chain);
        for (String line : lines) text.append(line).append('\n');
        run.append("stderr", text.toString());
        if (chain.getFirst().className().equals("java.lang.OutOfMemoryError")) outOfMemory.accept(run);
    }

    @Override
    public void inputRequest(long cell, int request, String prompt) {
        Run run = route(cell);
        Thread.ofPlatform().name("conclab-input-" + request).daemon().start(() -> {
            String line = null;
            try {
                line = inputHandler.read(run, request, prompt);
            } finally {
                replyToEngine.accept(request, line);
            }
        });
    }

    /** Runs the magic on a thread of its own, so that the engine's events go on flowing while it runs. */
    @Override
    public void magicRequest(long cell, int request, String line) {
        Run run = route(cell);
        Thread.ofPlatform().name("conclab-magic-" + request).daemon().start(() -> {
            EngineWire.MagicReply reply = new EngineWire.MagicReply(null, "%" + line + " failed in the kernel (see its log)");
            try {
                reply = magicHandler.apply(run, line);
            } catch (RuntimeException e) {
                LOG.warn("magic {} failed", line, e);
            } finally {
                magicReplies.accept(request, reply);
            }
        });
    }

    private void publishLoop() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
                for (Run run : runs.values()) flush(run);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("publishing output failed", e);
            }
        }
    }
}
