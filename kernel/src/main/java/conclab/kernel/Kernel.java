package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.request.CompleteRequest;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.InspectRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.IsCompleteRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conclab kernel: answers the Jupyter protocol, runs cells in a {@link Session}, and keeps the kernel
 * alive whatever the cells do. Its jobs are split: this class dispatches requests and executes cells (magics
 * through {@link MagicTable}); {@link Sessions} holds the session and replaces it when its engine dies;
 * {@link CodeAssist} answers completion, inspection and {@code is_complete}; {@link Outputs} publishes what
 * the engine sends.
 *
 * <p>Threads: the shell thread ({@code main}) handles shell requests one at a time (a cell runs on it, from the
 * kernel's side); the control thread handles interrupts and shutdown while a cell runs; {@code conclab-timer}
 * runs time limits and the kill after a stop; a magic that code asked for runs on a thread of its own
 * ({@link Outputs#magicRequest}). The fields are final and set in the constructor, before the shell thread
 * starts serving: {@code magics} is read-only afterwards; {@code pluginProblems} and {@code history} are the
 * shell thread's; {@code stdinLock} lets one input request at a time use the stdin socket.
 *
 * <p>Stopping a cell (interrupt or {@code CONCLAB_TIMEOUT}): the engine stops the cell's threads; if the cell
 * has not ended {@link #KILL_AFTER} later, the engine is killed and a new one started, and the cell says
 * that its variables are gone.
 */
final class Kernel {
    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);

    /** The pom's version, which the build writes into {@code version.properties}. */
    static final String VERSION = version();
    /** How long an interrupted cell may take to stop before the engine is restarted. */
    static final Duration KILL_AFTER = Duration.ofSeconds(3);

    private final Options options;
    private final Connection connection;
    private final Outputs outputs;
    /** Every magic, the kernel's and the plug-ins'; filled in the constructor, read-only afterwards. */
    private final MagicTable magics = new MagicTable();
    /** The engine session and its replacement when the engine dies. */
    private final Sessions sessions;
    /** Completion, inspection and is_complete; shell thread. */
    private final CodeAssist assist;
    /** What went wrong loading plug-ins; shown in the first cell, then cleared (shell thread). */
    private final List<String> pluginProblems = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("conclab-timer").daemon().factory());
    private final AtomicInteger executionCount = new AtomicInteger();
    /** The cells run, for history_request; written and read on the shell thread. */
    private final History history = new History();
    private final AtomicLong runIds = new AtomicLong();
    private final Object stdinLock = new Object();

    Kernel(Options options, Connection connection) {
        this.connection = connection;
        this.outputs = new Outputs(connection, new Outputs.Handlers() {
            public String readInput(CellRun run, int request) {
                return Kernel.this.readInput(run, request);
            }

            public EngineWire.MagicReply runMagic(CellRun run, String line) {
                return magicFromCode(run, line);
            }
        });
        BuiltinMagics.register(this, magics);
        Plugins.Loaded plugins = Plugins.load(Plugins.classpaths(), magics);
        pluginProblems.addAll(plugins.problems());
        this.options = options.withPlugins(plugins.engineJars(), plugins.startupCode());
        this.sessions = new Sessions(this.options, outputs, connection.bound());  // starts a session in the background
        this.assist = new CodeAssist(sessions::ready, magics);
    }

    Outputs outputs() {
        return outputs;
    }

    Sessions sessions() {
        return sessions;
    }

    /** The live session (see {@link Sessions#get}). */
    Session session() throws IOException {
        return sessions.get();
    }

    // ------------------------------------------------------------------ requests

    /** Requests read while aborting the queue (see {@link #abortQueued}), handled after the current one. */
    private final List<Message<?>> deferred = new ArrayList<>();

    /** Serves the shell socket on the calling thread until the kernel shuts down. */
    void serveShell() {
        connection.shell.serve(message -> {
            handle(message, connection.shell);
            while (!deferred.isEmpty()) handle(deferred.removeFirst(), connection.shell);
        });
    }

    /** How long, after a failed cell, requests still on their way are taken as part of the same Run All. */
    static final long ABORT_WINDOW_MILLIS = 50;

    /**
     * After a cell failed with {@code stop_on_error}: answers "aborted" to the execute requests queued or
     * arriving within {@link #ABORT_WINDOW_MILLIS} (a Run All sends them all at once), so that running stops
     * at the error. Done before the failing cell's error and reply are sent, so a client that waits for
     * either before sending the next cell is never aborted.
     */
    private void abortQueued() {
        for (Message<?> queued; (queued = connection.shell.poll(ABORT_WINDOW_MILLIS)) != null; ) {
            if (!queued.getHeader().getType().getName().equals("execute_request")) {
                deferred.add(queued);
                continue;
            }
            connection.publish(queued, "status", Messages.status("busy"));
            reply(connection.shell, queued, "execute_reply",
                    Messages.map("status", "aborted", "execution_count", executionCount.get()));
            connection.publish(queued, "status", Messages.status("idle"));
        }
    }

    /**
     * Handles one message of the control channel, on {@code conclab-control}: interrupt, shutdown and
     * kernel_info, which never touch the session. Anything else would use JShell, which belongs to the shell
     * thread (and may be running a cell now): it is answered with an error that says where to send it.
     */
    void handleControl(Message<?> message) {
        String type = message.getHeader().getType().getName();
        if (CONTROL_REQUESTS.contains(type) || !type.endsWith("_request")) {
            handle(message, connection.control);
            return;
        }
        connection.publish(message, "status", Messages.status("busy"));
        String why = type + " is answered on the shell channel only: this kernel runs code and reads the session there.";
        reply(connection.control, message, type.replace("_request", "_reply"), Messages.map("status", "error",
                "ename", "WrongChannel", "evalue", why, "traceback", List.of(why)));
        connection.publish(message, "status", Messages.status("idle"));
    }

    /** The requests the control channel answers (see {@link #handleControl}). */
    private static final java.util.Set<String> CONTROL_REQUESTS =
            java.util.Set.of("interrupt_request", "shutdown_request", "kernel_info_request");

    /** Handles one shell or control message, with busy and idle around it. */
    void handle(Message<?> message, Router channel) {
        String type = message.getHeader().getType().getName();
        connection.publish(message, "status", Messages.status("busy"));
        try {
            dispatch(type, message, channel);
        } catch (RuntimeException e) {
            // A bug of the kernel must not leave the frontend waiting for a reply that never comes.
            LOG.error("failed to handle {}", type, e);
            if (type.endsWith("_request")) {
                String replyType = type.replace("_request", "_reply");
                String why = "The kernel failed to handle this request (" + e + "). This is a bug in conclab: please report it.";
                reply(channel, message, replyType, Messages.map("status", "error", "execution_count", executionCount.get(),
                        "ename", "KernelError", "evalue", why, "traceback", List.of(Errors.BOLD_RED + why + Errors.RESET)));
            }
        } finally {
            connection.publish(message, "status", Messages.status("idle"));
        }
    }

    private void dispatch(String type, Message<?> message, Router channel) {
        switch (type) {
            case "execute_request" -> execute(message, channel);
            case "kernel_info_request" -> reply(channel, message, "kernel_info_reply", kernelInfo());
            case "complete_request" -> reply(channel, message, "complete_reply", assist.completeReply((CompleteRequest) message.getContent()));
            case "inspect_request" -> reply(channel, message, "inspect_reply", assist.inspectReply((InspectRequest) message.getContent()));
            case "is_complete_request" -> reply(channel, message, "is_complete_reply", assist.isCompleteReply((IsCompleteRequest) message.getContent()));
            case "history_request" -> reply(channel, message, "history_reply",
                    Messages.map("status", "ok", "history", history((HistoryRequest) message.getContent())));
            case "comm_info_request" -> reply(channel, message, "comm_info_reply", Messages.map("status", "ok", "comms", Map.of()));
            case "interrupt_request" -> {
                reply(channel, message, "interrupt_reply", Messages.map("status", "ok"));
                interrupt();
            }
            case "shutdown_request" -> shutdown(message, channel);
            default -> LOG.debug("ignoring {}", type); // comm messages: this kernel has no comm targets
        }
    }

    /** The cells run so far that a history_request asks for (see {@link History}). */
    private List<List<Object>> history(HistoryRequest request) {
        boolean output = request.includeOutput();
        return switch (request) {
            case HistoryRequest.Range r -> history.range(r.getSessionIndex(), r.getStart(), r.getStop(), output);
            case HistoryRequest.Tail t -> history.tail(t.getMaxReturnLength(), output);
            case HistoryRequest.Search s -> history.search(s.getPattern(), s.filterUnique(), s.getMaxReturnLength(), output);
            default -> List.of();
        };
    }

    private static void reply(Router channel, Message<?> request, String type, Map<String, ?> content) {
        channel.sendMessage(Messages.of(request, type, content));
    }

    private Map<String, Object> kernelInfo() {
        String java = System.getProperty("java.version");
        return Messages.map(
                "status", "ok",
                "protocol_version", Messages.PROTOCOL_VERSION,
                "implementation", "conclab",
                "implementation_version", VERSION,
                "language_info", Messages.map(
                        "name", "java", "version", java, "mimetype", "text/x-java", "file_extension", ".java",
                        "pygments_lexer", "java", "codemirror_mode", "text/x-java", "nbconvert_exporter", "script"),
                "banner", "conclab " + VERSION + ": Java " + java + " for the concurrency course. %help lists the magics.",
                "help_links", List.of(Messages.map("text", "conclab README", "url", "https://github.com/conclab/conclab#readme")),
                "debugger", false);
    }

    // ------------------------------------------------------------------ execute

    private void execute(Message<?> message, Router shell) {
        ExecuteRequest request = (ExecuteRequest) message.getContent();
        boolean silent = request.isSilent();
        int count = !silent && request.shouldStoreHistory() ? executionCount.incrementAndGet() : executionCount.get();
        if (!silent) connection.publish(message, "execute_input", Messages.map("code", request.getCode(), "execution_count", count));

        CellRun run = new CellRun(runIds.incrementAndGet(), count, message, silent, request.isStdinEnabled());
        outputs.begin(run);
        var timeout = options.timeout() == null ? null
                : timers.schedule(() -> stop(run, "timeout"), options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        Session.Result result;
        try {
            result = runCell(request.getCode(), run);
        } finally {
            run.done.countDown();
            if (timeout != null) timeout.cancel(false);
        }
        ErrorReport error = run.isStopping() ? EndReports.stopped(run, result.error(), options) : result.error();
        outputs.end(run);
        if (!silent && request.shouldStoreHistory()) {
            history.add(count, request.getCode(), result.value() == null ? null : result.value().get("text/plain"));
        }

        if (error == null && result.value() != null && !silent) {
            connection.publish(message, "execute_result",
                    Messages.map("execution_count", count, "data", result.value(), "metadata", Map.of()));
        }
        if (error != null) {
            // Before the error shows: a request sent by someone who saw it must not be aborted.
            if (request.shouldStopOnError()) abortQueued();
            if (!silent) {
                connection.publish(message, "error",
                        Messages.map("ename", error.name(), "evalue", error.value(), "traceback", error.traceback()));
            }
            reply(shell, message, "execute_reply", Messages.map("status", "error", "execution_count", count,
                    "ename", error.name(), "evalue", error.value(), "traceback", error.traceback()));
        } else {
            reply(shell, message, "execute_reply", Messages.map("status", "ok", "execution_count", count,
                    "payload", run.payloads(), "user_expressions", userExpressions(request.getUserExpr(), run)));
        }
    }

    /** Evaluates the request's user expressions after a cell that succeeded (protocol: execute_request). */
    private Map<String, Object> userExpressions(Map<String, String> expressions, CellRun run) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (expressions == null || expressions.isEmpty()) return values;
        Session session;
        try {
            session = session();
        } catch (IOException e) {
            return values;
        }
        expressions.forEach((name, expression) -> {
            Session.Result r = session.eval(expression, run.id, run.executionCount, 1, () -> false);
            values.put(name, r.error() == null
                    ? Messages.map("status", "ok", "data", r.value() == null ? Map.of("text/plain", "") : r.value(), "metadata", Map.of())
                    : Messages.map("status", "error", "ename", r.error().name(), "evalue", r.error().value(),
                            "traceback", r.error().traceback()));
        });
        return values;
    }

    /** Runs the parts of a cell (code and magics) in order; stops at the first error. */
    private Session.Result runCell(String code, CellRun run) {
        Session session;
        try {
            session = session();
        } catch (IOException e) {
            return new Session.Result(null, ErrorReport.of("EngineError", e.getMessage(),
                    Errors.BOLD_RED + "The engine JVM could not start: " + e.getMessage() + Errors.RESET,
                    "Check CONCLAB_JVM_OPTS and CONCLAB_CLASSPATH in the kernel's settings (see the README),"
                            + " then restart the kernel."));
        }
        String lost = sessions.takeEndedNote();
        if (lost != null) outputs.print(run, true, lost);
        for (String problem : session.startupProblems) outputs.print(run, true, problem + "\n");
        session.startupProblems.clear();
        for (String problem : options.problems()) outputs.print(run, true, problem + "\n");
        for (String problem : pluginProblems) outputs.print(run, true, problem + "\n");
        pluginProblems.clear();

        Session.Result result = Session.Result.NOTHING;
        for (Magics.Part part : Magics.parse(code)) {
            if (run.isStopping()) break;
            result = switch (part) {
                case Magics.Code c -> eval(session, c.code(), c.line(), run);
                case Magics.Line l -> magics.runLine(l, context(session, run));
                case Magics.Cell c -> magics.runCell(c, context(session, run));
            };
            if (result.error() != null && result.error().name().equals("OutOfMemoryError")) {
                session.kill("The engine JVM ran out of memory (" + result.error().value() + ")."
                        + " A JVM is not reliable after that, so it was restarted.");
            }
            if (result.error() != null || !session.isAlive()) break;
        }
        if (!session.isAlive()) return new Session.Result(null, engineEnded(session, result.error()));
        return result;
    }

    Session.Result eval(Session session, String code, int line, CellRun run) {
        Session.Result r;
        run.inEngine = true;
        try {
            r = session.eval(code, run.id, run.executionCount, line, run::isStopping);
        } finally {
            run.inEngine = false;
        }
        for (String w : session.warnings) outputs.print(run, true, w + "\n");
        session.warnings.clear();
        return r;
    }

    private CellContext context(Session session, CellRun run) {
        return new CellContext(run, outputs, new CellContext.InSession() {
            @Override
            public Session.Result eval(String code, int line) {
                return Kernel.this.eval(session, code, line, run);
            }

            @Override
            public List<String> addToClasspath(List<String> paths) {
                return sessions.addClasspath(session, paths);
            }
        });
    }

    /**
     * Runs the line magic that notebook code asked for ({@code magic("check safe-counter")}) under the cell
     * of the calling thread, on the thread {@link Outputs#magicRequest} made for it. The magic cannot run
     * code: that cell's engine thread is waiting for this reply.
     */
    private EngineWire.MagicReply magicFromCode(CellRun run, String line) {
        Magics.Line part = Magics.parseLine(line);
        if (part == null) {
            return new EngineWire.MagicReply(null, "magic(\"" + line + "\"): write one line magic with its"
                    + " arguments, like magic(\"threads\")");
        }
        if (run == null) return new EngineWire.MagicReply(null, "magic(\"" + line + "\"): no cell has run yet");
        Session.Result r = magics.runLineFromCode(part, new CellContext(run, outputs, null));
        if (r.error() != null) {
            List<String> tb = r.error().traceback();
            String hint = tb.size() > 1 ? " (" + tb.get(tb.size() - 1) + ")" : "";
            return new EngineWire.MagicReply(null, r.error().value() + hint);
        }
        return new EngineWire.MagicReply(r.value() == null ? null : r.value().get("text/plain"), null);
    }

    /** The error of a cell during which the engine died (see {@link EndReports#engineEnded}); starts the next engine. */
    private ErrorReport engineEnded(Session session, ErrorReport cause) {
        String why = session.killReason() != null ? session.killReason() : Sessions.whyEnded(session);
        session.close();
        sessions.replace(session);
        return EndReports.engineEnded(why, cause, options);
    }

    // ------------------------------------------------------------------ interrupt, input, shutdown

    /** Stops the running cell, if any (control thread). */
    void interrupt() {
        CellRun run = outputs.current();
        if (run != null) stop(run, "interrupt");
    }

    /**
     * Runs {@code body} (a cell magic's work for {@code run}) under a time limit of its own ({@code %%timeout}):
     * past {@code limit}, the run is stopped as an interrupt stops it, and its error names the limit.
     */
    Session.Result withTimeLimit(CellRun run, Duration limit, java.util.function.Supplier<Session.Result> body) {
        run.cellLimit = limit;
        var timer = timers.schedule(() -> stop(run, "cell-limit"), limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return body.get();
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Asks the engine to stop {@code run}; kills the engine if the run has not ended {@link #KILL_AFTER} later
     * and the engine is still running its code then (a magic's work in the kernel is left to end by itself).
     */
    private void stop(CellRun run, String reason) {
        if (run.isDone()) return;
        if (run.stopReason == null) run.stopReason = reason;
        Session s = sessions.startedOrNull();
        if (s == null) return; // still starting: the cell will not run
        s.interrupt(run.id);
        timers.schedule(() -> {
            if (!run.isDone() && run.inEngine && s.isAlive()) {
                run.engineKilled = true;
                s.kill("The cell did not stop within " + KILL_AFTER.toSeconds() + " s of the "
                        + (reason.equals("interrupt") ? "interrupt" : "time limit")
                        + " (a thread blocked on a lock, or a loop inside library code), so the engine JVM was restarted.");
            }
        }, KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Asks the frontend for a line of input for {@code run}; null if it cannot be asked or the run stops. The
     * {@code input_request}'s prompt is empty: the prompt the code printed (without a newline) is flushed as
     * output just before, so it shows above the input box.
     */
    private String readInput(CellRun run, int request) {
        if (run == null || run.silent || run != outputs.current() || !run.allowStdin) {
            if (run != null) {
                outputs.print(run, true, "This code reads System.in, but input can only be typed while its cell runs,"
                        + " in a frontend that allows it; it got end of input instead.\n");
            }
            return null;
        }
        synchronized (stdinLock) {
            outputs.flush(run); // a prompt printed just before shows above the input box
            Router stdin = connection.stdin;
            stdin.sendMessage(Messages.of(run.request, "input_request", Messages.map("prompt", "", "password", false)));
            while (!run.isDone() && !run.isStopping()) {
                Message<?> reply = stdin.poll(100);
                if (reply != null && reply.getHeader().getType().getName().equals("input_reply")) {
                    Object value = reply.getContent() instanceof org.dflib.jjava.jupyter.messages.reply.InputReply r
                            ? r.getValue() : null;
                    return value == null ? "" : value.toString();
                }
            }
            return null;
        }
    }

    private void shutdown(Message<?> message, Router channel) {
        boolean restart = message.getContent() instanceof ShutdownRequest r && r.isRestart();
        reply(channel, message, "shutdown_reply", Messages.map("status", "ok", "restart", restart));
        connection.publish(message, "status", Messages.status("idle"));
        try {
            Session s = sessions.startedOrNull();
            if (s != null) s.close();
        } catch (RuntimeException ignored) {
        }
        // ZeroMQ sends from its own I/O thread, and other threads still poll their sockets (closing those
        // from here is not safe); give the reply a moment to leave before the process ends.
        try {
            Thread.sleep(300);
        } catch (InterruptedException ignored) {
        }
        Runtime.getRuntime().halt(0);
    }

    private static String version() {
        try (var in = Kernel.class.getResourceAsStream("version.properties")) {
            var p = new java.util.Properties();
            if (in != null) p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Jars and folders for cells, relative to the kernel's working folder (the notebook's). */
    static Path workingFolder() {
        return Path.of("").toAbsolutePath();
    }
}
