package conclab.kernel;

import conclab.kernel.engine.EngineWire;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
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
 * alive whatever the cells do.
 *
 * <p>Threads: the shell thread handles shell requests one at a time (a cell runs on it, from the kernel's
 * side); the control thread handles interrupts and shutdown while a cell runs. The session is started in
 * the background when the kernel starts, and again whenever an engine dies; a cell waits for it.
 *
 * <p>Stopping a cell (interrupt or {@code CONCLAB_TIMEOUT}): the engine stops the cell's threads; if the cell
 * has not ended {@link #KILL_AFTER} later, the engine is killed and a new one started, and the cell says
 * that its variables are gone.
 */
final class Kernel extends BaseKernel {
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
    /** What went wrong loading plug-ins; shown in the first cell, then cleared (shell thread). */
    private final List<String> pluginProblems = new ArrayList<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("conclab-timer").daemon().factory());
    private final AtomicInteger executionCount = new AtomicInteger();
    /** The cells run, for history_request; written and read on the shell thread. */
    private final History history = new History();
    private final AtomicLong runIds = new AtomicLong();
    /**
     * What to tell the learner in the next cell about an engine that ended while no cell ran, or null; written
     * under this kernel's lock by the thread that finds the session dead, taken by the shell thread.
     */
    private volatile String endedBetweenCells;
    /** The session being started or running; replaced when an engine dies. */
    private volatile CompletableFuture<Session> session;
    /**
     * Whether cells say which of their threads still run when they end (%threads notice on|off): the one copy of
     * this setting; the shell thread writes it, a session reads it at each cell's end.
     */
    private volatile boolean threadNotice = true;
    /**
     * Jars and folders added with %classpath, in order, added again to every new session. Copy-on-write: the
     * shell thread adds, the thread that starts a new session reads.
     */
    private final List<String> extraClasspath = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object stdinLock = new Object();

    Kernel(Options options, Connection connection) {
        super("conclab", VERSION, languageInfo(), List.of(), null, new JupyterIO(java.nio.charset.StandardCharsets.UTF_8),
                new CommManager(), new Renderer(), null, new MagicsRegistry(), false, new StringStyler.Builder().build());
        this.connection = connection;
        this.outputs = new Outputs(connection);
        BuiltinMagics.register(this, magics);
        Plugins.Loaded plugins = Plugins.load(Plugins.classpaths(), magics);
        pluginProblems.addAll(plugins.problems());
        this.options = options.withPluginCode(plugins.startupCode());
        outputs.setInputHandler(this::readInput);
        outputs.setMagicHandler(this::magicFromCode);
        startSession();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(System.getProperty("java.version"))
                .mimetype("text/x-java")
                .fileExtension(".java")
                .pygments("java")
                .codemirror("text/x-java")
                .exporter("script")
                .build();
    }

    Outputs outputs() {
        return outputs;
    }

    // ------------------------------------------------------------------ sessions

    boolean threadNotice() {
        return threadNotice;
    }

    void threadNotice(boolean on) {
        threadNotice = on;
    }

    /** The jars and folders added with %classpath so far, in order. */
    List<String> addedClasspath() {
        return List.copyOf(extraClasspath);
    }

    /** Adds {@code path} to the session's class path and remembers it for later sessions; false if it was added before. */
    boolean addClasspath(Session session, String path) {
        if (extraClasspath.contains(path)) return false;     // only the shell thread adds: no race between the two calls
        session.addToClasspath(path);
        extraClasspath.add(path);
        return true;
    }

    /** Starts a new session in the background; cells wait for it. */
    private void startSession() {
        CompletableFuture<Session> next = CompletableFuture.supplyAsync(() -> {
            try {
                Session s = Session.start(options, outputs, () -> threadNotice);
                outputs.setInputReplies(s.engine()::inputReply);
                outputs.setMagicReplies(s.engine()::magicReply);
                outputs.setTraceFormatter(s::threadTrace);
                outputs.setOutOfMemoryHandler(run -> outOfMemory(s, run));
                for (String path : extraClasspath) s.addToClasspath(path);
                return s;
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, r -> Thread.ofPlatform().name("conclab-session-start").daemon().start(r));
        session = next;
    }

    /** The live session, waiting for it to start; restarts a dead one. Throws with a message if it cannot start. */
    Session session() throws IOException {
        CompletableFuture<Session> f = session;
        try {
            Session s = f.get();
            if (s.isAlive()) return s;
            synchronized (this) {
                if (session == f) {
                    // Nobody saw it end: no cell was running (a late thread's System.exit, a crash, a kill from outside).
                    if (s.killReason() == null) endedBetweenCells = "[conclab] " + whyEnded(s) + " It ended after its cell had"
                            + " finished. A new engine was started: the variables, methods and classes defined before are"
                            + " gone; run the cells you need again.\n";
                    s.close();
                    startSession();
                }
            }
            return session.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the engine was starting");
        } catch (ExecutionException e) {
            synchronized (this) {
                if (session == f) startSession(); // try again next time
            }
            Throwable cause = e.getCause() instanceof IOException io ? io : e.getCause();
            throw new IOException(cause.getMessage(), cause);
        }
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
            case "complete_request" -> reply(channel, message, "complete_reply", completeReply((CompleteRequest) message.getContent()));
            case "inspect_request" -> reply(channel, message, "inspect_reply", inspectReply((InspectRequest) message.getContent()));
            case "is_complete_request" -> reply(channel, message, "is_complete_reply", isCompleteReply((IsCompleteRequest) message.getContent()));
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
        LanguageInfo l = getLanguageInfo();
        return Messages.map(
                "status", "ok",
                "protocol_version", Messages.PROTOCOL_VERSION,
                "implementation", "conclab",
                "implementation_version", VERSION,
                "language_info", Messages.map(
                        "name", l.getName(), "version", l.getVersion(), "mimetype", l.getMimetype(),
                        "file_extension", l.getFileExtension(), "pygments_lexer", l.getPygmentsLexer(),
                        "codemirror_mode", l.getCodemirrorMode(), "nbconvert_exporter", l.getNbconvertExporter()),
                "banner", "conclab " + VERSION + ": Java " + l.getVersion() + " for the concurrency course. %help lists the magics.",
                "help_links", List.of(Messages.map("text", "conclab README", "url", "https://github.com/conclab/conclab#readme")),
                "debugger", false);
    }

    // ------------------------------------------------------------------ execute

    private void execute(Message<?> message, Router shell) {
        ExecuteRequest request = (ExecuteRequest) message.getContent();
        boolean silent = request.isSilent();
        int count = !silent && request.shouldStoreHistory() ? executionCount.incrementAndGet() : executionCount.get();
        if (!silent) connection.publish(message, "execute_input", Messages.map("code", request.getCode(), "execution_count", count));

        Run run = new Run(runIds.incrementAndGet(), count, message, silent, request.isStdinEnabled());
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
        Report error = run.isStopping() ? stopped(run, result.error()) : result.error();
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
    private Map<String, Object> userExpressions(Map<String, String> expressions, Run run) {
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
    private Session.Result runCell(String code, Run run) {
        Session session;
        try {
            session = session();
        } catch (IOException e) {
            return new Session.Result(null, Report.of("EngineError", e.getMessage(),
                    Errors.BOLD_RED + "The engine JVM could not start: " + e.getMessage() + Errors.RESET,
                    "Check CONCLAB_JVM_OPTS and CONCLAB_CLASSPATH in the kernel's settings (see the README),"
                            + " then restart the kernel."));
        }
        String lost = endedBetweenCells;
        if (lost != null) {
            endedBetweenCells = null;
            outputs.print(run, true, lost);
        }
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

    Session.Result eval(Session session, String code, int line, Run run) {
        Session.Result r = session.eval(code, run.id, run.executionCount, line, run::isStopping);
        for (String w : session.warnings) outputs.print(run, true, w + "\n");
        session.warnings.clear();
        return r;
    }

    private CellContext context(Session session, Run run) {
        return new CellContext(run, outputs, (code, line) -> eval(session, code, line, run));
    }

    /**
     * Runs the line magic that notebook code asked for ({@code magic("check safe-counter")}) under the cell
     * of the calling thread, on the thread {@link Outputs#magicRequest} made for it. The magic cannot run
     * code: that cell's engine thread is waiting for this reply.
     */
    private EngineWire.MagicReply magicFromCode(Run run, String line) {
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

    /**
     * Why a stopped cell stopped, as its error; {@code cause} is what the cell itself threw when it was
     * stopped (typically an InterruptedException), or null.
     */
    private Report stopped(Run run, Report cause) {
        String why = switch (run.stopReason) {
            case "timeout" -> "The cell ran longer than its time limit of " + human(options.timeout()) + " (CONCLAB_TIMEOUT) and was stopped.";
            case "cell-limit" -> "The cell ran longer than its time limit of " + human(run.cellLimit) + " (%%timeout) and was stopped.";
            default -> "The cell was interrupted.";
        };
        List<String> lines = new ArrayList<>();
        lines.add(Errors.BOLD_RED + why + Errors.RESET);
        if (cause != null && !cause.name().equals("EngineRestarted")) {
            lines.add("Its code ended with " + cause.name() + (cause.value().isEmpty() ? "" : ": " + cause.value())
                    + (cause.traceback().size() > 1 ? ", at:" : "."));
            lines.addAll(cause.traceback().subList(Math.min(1, cause.traceback().size()), cause.traceback().size()));
        } else if (cause != null) {
            return cause;
        }
        return new Report("Interrupted", why, lines);
    }

    /**
     * The error of a cell during which the engine died; starts the next engine. {@code cause} is the error
     * the cell's code ended with, if any (shown when it explains the end, like an OutOfMemoryError).
     */
    private Report engineEnded(Session session, Report cause) {
        String why = session.killReason() != null ? session.killReason() : whyEnded(session);
        session.close();
        restartSession(session);
        List<String> lines = new ArrayList<>();
        lines.add(Errors.BOLD_RED + why + Errors.RESET);
        if (cause != null && cause.name().equals("OutOfMemoryError")) {
            lines.addAll(cause.traceback());
            lines.add("The engine's heap is limited by -Xmx in CONCLAB_JVM_OPTS (now " + maxHeap() + ").");
        }
        lines.add("All variables, methods and classes defined so far are gone: a new engine is starting.");
        lines.add("Run the cells you need again (Run > Run All Above Selected Cell).");
        return new Report("EngineRestarted", why, lines);
    }

    /** Starts a new session if {@code dead} is still the current one (it may have been replaced already). */
    /** Why the engine of {@code session}, which the kernel did not kill, ended: its exit code and last words. */
    private static String whyEnded(Session session) {
        session.engine().awaitExit(Duration.ofSeconds(2));      // and reads what it wrote last
        int code = session.engine().exitCode();
        String errors = session.engine().describeErrors();
        String why;
        if (errors.contains("OutOfMemoryError")) {
            why = "The engine JVM ran out of memory and ended (exit code " + code + ")";
        } else if (errors.contains("A fatal error has been detected")) {
            why = "The engine JVM crashed (exit code " + code + ")";
        } else if (session.engine().exitCaller() != null) {
            why = "The code called System.exit(" + code + ") on thread " + session.engine().exitCaller()
                    + ", and the engine JVM ended";
        } else {
            why = "The engine JVM ended with exit code " + code + ": the code called Runtime.halt(" + code
                    + "), or the JVM crashed or was killed";
        }
        return why + (errors.isEmpty() ? "." : errors);
    }

    private synchronized void restartSession(Session dead) {
        CompletableFuture<Session> f = session;
        if (f.isDone() && !f.isCompletedExceptionally() && f.join() == dead) startSession();
    }

    private String maxHeap() {
        return options.engineJvmOptions().stream().filter(o -> o.startsWith("-Xmx")).reduce((a, b) -> b)
                .orElse("the JVM's default");
    }

    /**
     * A thread of {@code run} died of an OutOfMemoryError: the engine is killed (its state is unreliable) and
     * a new one started. A cell running now ends with that reason; otherwise the run that owned the thread
     * says so.
     */
    private void outOfMemory(Session s, Run run) {
        if (!s.isAlive()) return;
        Run current = outputs.current();
        s.kill("The engine JVM ran out of memory in a thread of cell [" + run.executionCount + "]."
                + " A JVM is not reliable after that, so it was restarted.");
        if (current == null) {
            outputs.print(run, true, "[conclab] The engine ran out of memory and was restarted: all variables are gone.\n");
            s.close();
            restartSession(s);
        }
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        return s >= 60 && s % 60 == 0 ? (s / 60) + " min" : d.toMillis() % 1000 == 0 ? s + " s" : d.toMillis() + " ms";
    }

    // ------------------------------------------------------------------ interrupt, input, shutdown

    /** Stops the running cell, if any (control thread). */
    @Override
    public void interrupt() {
        Run run = outputs.current();
        if (run != null) stop(run, "interrupt");
    }

    /**
     * Runs {@code body} (a cell magic's work for {@code run}) under a time limit of its own ({@code %%timeout}):
     * past {@code limit}, the run is stopped as an interrupt stops it, and its error names the limit.
     */
    Session.Result withTimeLimit(Run run, Duration limit, java.util.function.Supplier<Session.Result> body) {
        run.cellLimit = limit;
        var timer = timers.schedule(() -> stop(run, "cell-limit"), limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return body.get();
        } finally {
            timer.cancel(false);
        }
    }

    /** Asks the engine to stop {@code run}; kills the engine if the run has not ended {@link #KILL_AFTER} later. */
    private void stop(Run run, String reason) {
        if (run.isDone()) return;
        if (run.stopReason == null) run.stopReason = reason;
        CompletableFuture<Session> f = session;
        Session s = f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
        if (s == null) return; // still starting: the cell will not run
        s.interrupt(run.id);
        timers.schedule(() -> {
            if (!run.isDone() && s.isAlive()) {
                run.engineKilled = true;
                s.kill("The cell did not stop within " + KILL_AFTER.toSeconds() + " s of the "
                        + (reason.equals("interrupt") ? "interrupt" : "time limit")
                        + " (a thread blocked on a lock, or a loop inside library code), so the engine JVM was restarted.");
            }
        }, KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks the frontend for a line of input for {@code run}; null if it cannot be asked or the run stops. */
    private String readInput(Run run, int request, String prompt) {
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
            stdin.sendMessage(Messages.of(run.request, "input_request", Messages.map("prompt", prompt, "password", false)));
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
            CompletableFuture<Session> f = session;
            if (f.isDone() && !f.isCompletedExceptionally()) f.join().close();
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

    // ------------------------------------------------------------------ completion, inspection, is_complete

    private Map<String, Object> completeReply(CompleteRequest request) {
        String code = request.getCode();
        int cursor = Text.charIndex(code, request.getCursorPos());
        ReplacementOptions options = complete(code, cursor);
        List<String> matches = options == null ? List.of() : options.getReplacements();
        int start = options == null ? cursor : options.getSourceStart();
        int end = options == null ? cursor : options.getSourceEnd();
        return Messages.map("status", "ok", "matches", matches,
                "cursor_start", Text.codePointIndex(code, start), "cursor_end", Text.codePointIndex(code, end),
                "metadata", Map.of());
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        String line = code.substring(code.lastIndexOf('\n', Math.max(0, at - 1)) + 1, at);
        if (line.startsWith("%")) {
            List<String> names = magics.names().stream().filter(n -> n.startsWith(line)).toList();
            return new ReplacementOptions(names, at - line.length(), at);
        }
        Session s = readySession();
        if (s == null) return null;
        Text.Piece piece = Text.pieceAt(code, at, s.analysis());
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                s.analysis().completionSuggestions(piece.text(), at - piece.start(), anchor);
        List<String> matches = new ArrayList<>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(x -> matches.add(x.continuation()));
        suggestions.stream().filter(x -> !x.matchesType()).forEach(x -> matches.add(x.continuation()));
        return new ReplacementOptions(matches.stream().distinct().toList(), piece.start() + anchor[0], at);
    }

    private Map<String, Object> inspectReply(InspectRequest request) {
        String code = request.getCode();
        DisplayData data = inspect(code, Text.charIndex(code, request.getCursorPos()), request.getDetailLevel() > 0);
        Map<String, Object> bundle = new LinkedHashMap<>();
        if (data != null) {
            bundle.put("text/plain", data.getData(org.dflib.jjava.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN));
        }
        return Messages.map("status", "ok", "found", data != null, "data", bundle, "metadata", Map.of());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        Session s = readySession();
        if (s == null) return null;
        Text.Piece piece = Text.pieceAt(code, at, s.analysis());
        int cursor = Math.min(piece.text().length(), at - piece.start());
        // Documentation is looked up for the call or name the cursor is in or right after.
        List<SourceCodeAnalysis.Documentation> docs = s.analysis().documentation(piece.text(), cursor, true);
        if (docs.isEmpty()) {
            int end = cursor;
            while (end < piece.text().length() && Character.isJavaIdentifierPart(piece.text().charAt(end))) end++;
            if (end < piece.text().length() && piece.text().charAt(end) == '(') end++;
            docs = s.analysis().documentation(piece.text(), end, true);
        }
        if (docs.isEmpty()) return null;
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : docs) {
            text.append(d.signature()).append('\n');
            if (d.javadoc() != null && !d.javadoc().isBlank()) text.append('\n').append(d.javadoc().strip()).append("\n\n");
        }
        return new DisplayData(text.toString().strip());
    }

    private Map<String, Object> isCompleteReply(IsCompleteRequest request) {
        String verdict = isComplete(request.getCode());
        return switch (verdict) {
            case IS_COMPLETE_YES, IS_COMPLETE_BAD, IS_COMPLETE_MAYBE -> Messages.map("status", verdict);
            default -> Messages.map("status", "incomplete", "indent", verdict);
        };
    }

    @Override
    public String isComplete(String code) {
        Session s = readySession();
        if (s == null) return IS_COMPLETE_MAYBE;
        for (Magics.Part part : Magics.parse(code)) {
            if (part instanceof Magics.Cell) return IS_COMPLETE_YES; // a cell magic takes the whole cell
            if (!(part instanceof Magics.Code c)) continue;
            String rest = c.code();
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = s.analysis().analyzeCompletion(rest);
                Completeness k = info.completeness();
                if (k == Completeness.DEFINITELY_INCOMPLETE || k == Completeness.CONSIDERED_INCOMPLETE) return "    ";
                if (k == Completeness.UNKNOWN) return IS_COMPLETE_BAD;
                if (k == Completeness.EMPTY) break;
                rest = info.remaining();
            }
        }
        return IS_COMPLETE_YES;
    }

    /**
     * The session for completion and inspection: waits a little for one that is starting (the first request
     * often comes right after the kernel starts), but answers "nothing" rather than hang on a broken one.
     */
    private Session readySession() {
        try {
            Session s = session.get(10, TimeUnit.SECONDS);
            return s.isAlive() ? s : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    @Override
    public Object evalRaw(String source) {
        try {
            Session.Result r = session().eval(source, runIds.incrementAndGet(), 0, 1, () -> false);
            if (r.error() != null) throw new IllegalStateException(r.error().name() + ": " + r.error().value());
            return r.value() == null ? null : r.value().get("text/plain");
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
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
