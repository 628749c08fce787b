package conclab.kernel;

import conclab.kernel.engine.Control;
import conclab.kernel.engine.EngineWire;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JShell and the engine JVM it runs code in: the notebook's state, from one engine start to its end.
 *
 * <p>JShell compiles in the kernel's JVM; the classes go to the engine, which runs them. A session lives
 * until its engine dies (an exit, a crash, a kill to stop a stuck cell); the kernel then starts a new one,
 * and every variable of the old one is gone.
 *
 * <p>Not thread-safe, like JShell itself: one thread (the kernel's shell thread) calls everything except
 * {@link #interrupt}, {@link #isAlive} and {@link #kill}, which any thread may call.
 */
final class Session implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    /** What a piece of cell code did. {@code value} is the cell's result bundle or null; {@code error} too. */
    record Result(Map<String, String> value, ErrorReport error) implements conclab.kernel.api.MagicResult {
        static final Result NOTHING = new Result(null, null);
    }

    /**
     * The engine's process. Written once, in {@link #prepare} on the thread that starts the session, before the
     * session is returned (so before any other thread can see it); read-only after.
     */
    private EngineProcess engine;
    /** JShell's execution control: the engine, once {@link Indexing#connect} has connected it. */
    private final Indexing execution;
    private final JShell jshell;
    /**
     * JShell's source analysis. Made in {@link #prepare}, after the class path is complete (see there why not before),
     * on the thread that starts the session and before the session is returned, so before any other thread sees it;
     * read-only after.
     */
    private SourceCodeAnalysis analysis;
    private final Options options;
    /** Where each snippet came from; for stack traces. */
    private final SnippetIndex index = new SnippetIndex();
    /** Problems met while starting (a bad CONCLAB_STARTUP); shown in the first cell. */
    final List<String> startupProblems = new ArrayList<>();
    /** Notes for the learner collected during the last eval (e.g. unresolved references); taken by the kernel. */
    final List<String> warnings = new ArrayList<>();

    private final AtomicBoolean killed = new AtomicBoolean();
    /** Set when JShell closes itself, which it does as soon as it finds the engine gone. */
    private volatile boolean shutDown;
    /** Why the kernel killed this session's engine, for the learner; null if it did not. */
    private volatile String killReason;
    /** Whether a cell that ends with threads still running says so: the kernel's setting, read at each cell's end. */
    private final java.util.function.BooleanSupplier threadNotice;

    private Session(Options options, java.util.function.BooleanSupplier threadNotice) {
        this.options = options;
        this.threadNotice = threadNotice;
        this.execution = new Indexing(this);
        this.jshell = JShell.builder()
                .executionEngine(new Provider(this), Map.of())
                .idGenerator(index::created)
                .compilerOptions(options.compilerOptions().toArray(String[]::new))
                .out(new PrintStream(OutputStream.nullOutputStream()))
                .err(new PrintStream(OutputStream.nullOutputStream()))
                .build();
        jshell.onShutdown(closed -> shutDown = true);
    }

    /** {@link #start(Options, EngineProcess.Listener, BooleanSupplier, CompletableFuture)} with nothing to wait for. */
    static Session start(Options options, EngineProcess.Listener listener, BooleanSupplier threadNotice) throws IOException {
        return start(options, listener, threadNotice, CompletableFuture.completedFuture(null));
    }

    /**
     * Starts an engine and a JShell, and runs the imports and {@code CONCLAB_STARTUP}. Throws with a message
     * for the learner if the engine cannot start. {@code threadNotice} says, at each cell's end, whether a
     * cell whose threads still run says so (%threads notice on|off).
     *
     * <p>The engine JVM is launched when {@code launchAfter} completes, on the thread that completes it (at once if
     * it has): the kernel's first session waits so for Jupyter's ports to be bound, since the engine's sockets take
     * ephemeral ports and must not take one of those. Meanwhile this thread builds JShell and compiles the imports,
     * which need no engine.
     */
    static Session start(Options options, EngineProcess.Listener listener, BooleanSupplier threadNotice,
                         CompletableFuture<?> launchAfter) throws IOException {
        long t0 = System.nanoTime();
        CompletableFuture<EngineProcess> launched = launchAfter.thenApply(ignored -> {
            try {
                return EngineProcess.launch(options, listener);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
        try {
            Session s = new Session(options, threadNotice);
            s.prepare(launched);
            LOG.debug("session started in {} ms", (System.nanoTime() - t0) / 1_000_000);
            return s;
        } catch (RuntimeException | IOException e) {
            launched.thenAccept(EngineProcess::kill); // now, or when it is launched
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof IOException)) cause = cause.getCause();
            throw new IOException(cause.getMessage(), e);
        }
    }

    /**
     * Prepares the session. The engine JVM boots meanwhile: the class path and the imports need only JShell's
     * compiler (an import snippet is compiled, never loaded), so they come before {@link Indexing#connect}, which
     * waits for the engine. The imports (about 150 ms) overlap the engine's start instead of following it.
     */
    private void prepare(CompletableFuture<EngineProcess> launched) throws IOException {
        List<String> classpath = new ArrayList<>();
        classpath.add(options.engineClasspath());
        classpath.addAll(options.classpath());
        classpath.addAll(options.pluginJars());
        jshell.addToClasspath(String.join(java.io.File.pathSeparator, classpath));
        // Only now, with the class path complete: making the analysis starts JShell's indexer, which reads the
        // compiler's class path on a thread of its own while addToClasspath may be setting it on this one. That
        // race left the compiler with a stale class path ("package conclab.io does not exist") in 3 of 30 fresh
        // kernels when the analysis came first and the class path in three calls (0 of 60 in this order).
        analysis = jshell.sourceCodeAnalysis();
        long i0 = System.nanoTime();
        for (String line : Options.IMPORTS.strip().split("\n")) {
            String why = importWhyNot(line);
            if (why != null) {
                throw new IOException("cells cannot be compiled (" + why + "); check CONCLAB_COMPILER_OPTS and CONCLAB_CLASSPATH");
            }
        }
        // A plug-in's startup code that is only imports needs no engine either (the grader's check(...) import).
        List<String> pluginCode = new ArrayList<>();
        for (String code : options.pluginCode()) {
            if (code.strip().matches("(import\\s[^;]+;\\s*)+")) importEarly(code);
            else pluginCode.add(code);
        }
        LOG.debug("imports: {} ms", (System.nanoTime() - i0) / 1_000_000);
        long c0 = System.nanoTime();
        try {
            engine = launched.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        }
        execution.connect(engine);
        LOG.debug("then waited {} ms for the engine to connect", (System.nanoTime() - c0) / 1_000_000);
        for (String problem : agentProblems()) {
            startupProblems.add("[conclab] the engine's agent failed (" + problem + "): the output and errors of"
                    + " pool tasks may show under the wrong cell.");
        }
        for (String code : pluginCode) {
            Result r = eval(code, EngineWire.NO_CELL, 0, 1, () -> false);
            if (r.error() != null) {
                startupProblems.add("[conclab] a plug-in's startup code failed: " + r.error().name() + ": " + r.error().value());
            }
        }
        if (!options.startup().isBlank()) {
            Result r = eval(options.startup(), EngineWire.NO_CELL, 0, 1, () -> false);
            if (r.error() != null) {
                startupProblems.add("CONCLAB_STARTUP failed: " + r.error().name() + ": " + r.error().value());
            }
        }
        long w = System.nanoTime();
        // Warm the compiler and the engine on an expression, as the first cell will be one.
        jshell.eval("Integer.valueOf(1)").forEach(e -> jshell.drop(e.snippet()));
        LOG.debug("warm-up expression: {} ms", (System.nanoTime() - w) / 1_000_000);
    }

    /** Compiles a plug-in's imports before the engine is there; one that fails is a startup problem, as after. */
    private void importEarly(String code) {
        for (String line : code.strip().split(";")) {
            String why = line.isBlank() ? null : importWhyNot(line.strip() + ";");
            if (why != null) startupProblems.add("[conclab] a plug-in's startup code failed: " + why);
        }
    }

    /** Compiles one import (it needs no engine); null if it compiled, else the import and why not. */
    private String importWhyNot(String line) {
        for (SnippetEvent e : jshell.eval(line)) {
            if (e.status() == Snippet.Status.REJECTED) return line.strip() + diagnostics(e.snippet());
        }
        return null;
    }

    private String diagnostics(Snippet snippet) {
        StringBuilder b = new StringBuilder();
        jshell.diagnostics(snippet).forEach(d -> b.append(": ").append(d.getMessage(java.util.Locale.ENGLISH)));
        return b.toString();
    }

    // ------------------------------------------------------------------ running code

    /**
     * Evaluates Java code of one cell, snippet by snippet, stopping at the first error. The code starts at
     * line {@code firstLine} of the cell with execution count {@code count}; {@code cell} is the engine's
     * cell id (0 while starting). The value of the last snippet is the result if it is an expression
     * written without a closing semicolon.
     */
    Result eval(String code, long cell, int count, int firstLine, java.util.function.BooleanSupplier stopping) {
        control(Control.BEGIN, cell);
        Result result = Result.NOTHING;
        boolean showValue = false;
        String rest = code;
        int offset = 0;
        while (!rest.isBlank() && !stopping.getAsBoolean()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            String source;
            String remaining;
            if (completeness == Completeness.EMPTY) break;
            if (completeness.isComplete()) {
                source = info.source();
                remaining = info.remaining();
            } else {
                source = rest; // incomplete: let the compiler say what is missing
                remaining = "";
            }
            // JShell counts a snippet's lines from its first non-blank line in stack traces, but from the
            // start of its text (leading blank lines included) in compile diagnostics.
            int textLine = firstLine + countLines(code, offset);
            int codeLine = firstLine + countLines(code, offset + leadingBlank(rest));
            offset += rest.length() - remaining.length();
            rest = remaining;

            Outcome outcome = evalSnippet(source, count, textLine, codeLine);
            if (outcome.error != null) {
                result = new Result(null, outcome.error);
                showValue = false;
                break;
            }
            showValue = outcome.hasValue && rest.isBlank() && !endsWithSemicolon(source);
            result = showValue ? new Result(Map.of("text/plain", outcome.value), null) : Result.NOTHING;
            if (!engine.isAlive()) break;
        }
        if (control(Control.END, new Control.End(cell, showValue, threadNotice.getAsBoolean())) instanceof Control.Ended end) {
            awaitSync(end.syncToken());
            Map<String, String> rich = end.richValue();
            if (rich != null && result.value() != null) {
                Map<String, String> merged = new LinkedHashMap<>(result.value());
                merged.putAll(rich);
                result = new Result(merged, null);
            }
        }
        return result;
    }

    private record Outcome(String value, boolean hasValue, ErrorReport error) {}

    private Outcome evalSnippet(String source, int count, int textLine, int codeLine) {
        List<SnippetEvent> events;
        index.evaluating(count, codeLine);
        try {
            events = jshell.eval(source);
        } catch (IllegalStateException closed) {
            return new Outcome(null, false, null); // the engine died; the kernel explains
        }
        index.resolve(analysis); // declarations (a method, a class) are loaded but never invoked
        String value = null;
        boolean hasValue = false;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue; // a consequence for other snippets
            Snippet snippet = e.snippet();
            if (e.status() == Snippet.Status.REJECTED) {
                return new Outcome(null, false, compileError(snippet, textLine));
            }
            JShellException exception = e.exception();
            if (exception != null) {
                return new Outcome(null, false, runtimeError(exception));
            }
            if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                warnUnresolved((DeclarationSnippet) snippet);
            }
            switch (snippet.subKind()) {
                case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND -> {
                    value = e.value();
                    hasValue = value != null;
                }
                default -> { }
            }
        }
        return new Outcome(value, hasValue, null);
    }

    private ErrorReport compileError(Snippet snippet, int line) {
        List<Diag> diags = jshell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) {
            return ErrorReport.of("CompileError", "this code cannot be compiled", "This code cannot be compiled.");
        }
        // JShell may have completed the source (a semicolon); positions refer to its text.
        return Errors.compile(Errors.Problem.of(diags.getFirst()), snippet.source(), line);
    }

    private ErrorReport runtimeError(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException u) {
            DeclarationSnippet d = u.getSnippet();
            String missing = String.join(", ", jshell.unresolvedDependencies(d).toList());
            String text = name(d) + " cannot be used yet: it refers to " + missing + ", which is not defined.";
            return ErrorReport.of("UnresolvedReference", text, Errors.BOLD_RED + text + Errors.RESET,
                    "Define " + missing + " in a cell, then run this one again.");
        }
        return Errors.exception(chainOf(exception), index::origin);
    }

    /** The exception and its causes, as JShell reports them (class names are those of the engine). */
    private static List<EngineWire.Failure> chainOf(JShellException exception) {
        List<EngineWire.Failure> chain = new ArrayList<>();
        for (Throwable t = exception; t != null && chain.size() < 16; t = t.getCause()) {
            String cls = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            chain.add(new EngineWire.Failure(cls, t.getMessage(), t.getStackTrace()));
        }
        return chain;
    }

    private void warnUnresolved(DeclarationSnippet snippet) {
        String missing = String.join(", ", jshell.unresolvedDependencies(snippet).toList());
        if (missing.isEmpty()) return;
        warnings.add(name(snippet) + " is declared, but cannot be used until " + missing + " is defined.");
    }

    private static String name(DeclarationSnippet d) {
        return switch (d.kind()) {
            case METHOD -> d.name() + "()";
            case TYPE_DECL -> "class " + d.name();
            default -> d.name();
        };
    }

    /** Formats the death of a thread (reported by the engine's uncaught handler); any thread may call it. */
    List<String> threadTrace(List<EngineWire.Failure> chain) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            EngineWire.Failure f = chain.get(i);
            lines.add((i == 0 ? "" : "Caused by: ") + f.className() + (f.message() == null ? "" : ": " + f.message()));
            StackTraceElement[] frames = new StackTraceElement[f.frames().length];
            for (int j = 0; j < frames.length; j++) frames[j] = index.translate(f.frames()[j]);
            lines.addAll(Errors.frames(frames, index::origin));
        }
        return lines;
    }

    // ------------------------------------------------------------------ other requests

    /**
     * Adds jars or folders for compiling and running cells: {@code paths}, in one call, so that JShell's indexer,
     * which each call sets off on a thread of its own, never reads the compiler's class path while the next call
     * sets it (see {@link #prepare}).
     */
    void addToClasspath(List<String> paths) {
        if (!paths.isEmpty()) jshell.addToClasspath(String.join(java.io.File.pathSeparator, paths));
    }

    SourceCodeAnalysis analysis() {
        return analysis;
    }

    /** The engine's CPU time and thread counts; resets the peak if asked. Zeros if the engine cannot answer. */
    Control.Stats stats(boolean resetPeak) {
        return control(Control.STATS, resetPeak) instanceof Control.Stats s ? s : new Control.Stats(0, 0, 0);
    }

    void interrupt(long cell) {
        engine.interrupt(cell);
    }

    /** False once the engine is gone or going: its process ended, JShell lost it, or it was killed. */
    boolean isAlive() {
        return !shutDown && !killed.get() && engine.isAlive();
    }

    EngineProcess engine() {
        return engine;
    }

    /** Kills the engine at once (to stop code that does not stop); {@code reason} is told to the learner. */
    void kill(String reason) {
        if (killed.compareAndSet(false, true)) killReason = reason;
        engine.kill();
    }

    String killReason() {
        return killReason;
    }

    /** The learner's live threads; empty if the engine cannot answer. */
    List<Control.ThreadRow> threads() {
        return listOf(Control.ThreadRow.class, control(Control.THREADS, null));
    }

    /** The deadlocked platform threads; empty if the engine cannot answer. */
    List<Control.DeadlockRow> deadlocks() {
        return listOf(Control.DeadlockRow.class, control(Control.DEADLOCKS, null));
    }

    /** Stops the threads of every cell but {@code spared}; returns the names of those that did not end. */
    List<String> stopAll(long spared) {
        return listOf(String.class, control(Control.STOP_ALL, spared));
    }

    /** What the engine's agent could not do (empty when all is well). */
    List<String> agentProblems() {
        return listOf(String.class, control(Control.AGENT, null));
    }

    /** An answer that is a list of {@code type}, checked element by element; empty if it is not one. */
    private static <T> List<T> listOf(Class<T> type, Object answer) {
        if (!(answer instanceof List<?> list)) return List.of();
        List<T> checked = new ArrayList<>(list.size());
        for (Object o : list) if (type.isInstance(o)) checked.add(type.cast(o));
        return checked;
    }

    /** A raw frame of the engine as a snippet frame when it is one (see {@link SnippetIndex#translate}). */
    StackTraceElement translate(StackTraceElement frame) {
        return index.translate(frame);
    }

    Errors.Origin origin(String snippetId) {
        return index.origin(snippetId);
    }

    @Override
    public void close() {
        killed.set(true);
        try {
            jshell.close();
        } catch (RuntimeException ignored) {
        }
        engine.kill();
    }

    private Object control(String command, Object arg) {
        try {
            return engine.executionControl().extensionCommand(command, arg);
        } catch (ExecutionControl.ExecutionControlException | RuntimeException e) {
            LOG.debug("engine command {} failed: {}", command, e.toString());
            return null;
        }
    }

    private void awaitSync(long token) {
        try {
            if (!engine.awaitSync(token, Duration.ofSeconds(10)) && engine.isAlive()) {
                LOG.warn("engine output did not arrive in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether Java source ends with a semicolon, ignoring trailing blanks and a trailing comment: the
     * learner's way to say "do not show this value", as in IPython.
     */
    static boolean endsWithSemicolon(String source) {
        String s = source.strip();
        int lastLine = s.lastIndexOf('\n') + 1;
        int comment = lineCommentStart(s, lastLine);
        if (comment >= 0) s = s.substring(0, comment).strip();
        while (s.endsWith("*/") && s.contains("/*")) s = s.substring(0, s.lastIndexOf("/*")).strip();
        return s.endsWith(";");
    }

    /** Where a {@code //} comment starts on the line starting at {@code from}, outside string literals; -1 if none. */
    static int lineCommentStart(String s, int from) {
        boolean inString = false;
        char quote = 0;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == quote) inString = false;
            } else if (c == '"' || c == '\'') {
                inString = true;
                quote = c;
            } else if (c == '/' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                return i;
            }
        }
        return -1;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /** Number of newlines in {@code s} before {@code end}. */
    static int countLines(String s, int end) {
        int n = 0;
        for (int i = 0; i < Math.min(end, s.length()); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    /** Lets JShell use our engine: it asks once, when it is built, and gets it not yet connected. */
    private record Provider(Session session) implements ExecutionControlProvider {
        @Override
        public String name() {
            return "conclab";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return session.execution;
        }
    }

    /**
     * The engine's execution control, telling the snippet index which classes it loads. It is made before the
     * engine has connected ({@link #connect}); until then JShell may only add to the class path, which is kept and
     * passed on at the connection. {@code process} and {@code engine} are written once, by {@code connect}, on the
     * thread that starts the session, before any snippet is run; {@code pending} is guarded by this.
     */
    private static final class Indexing implements ExecutionControl {
        private final Session session;
        private volatile EngineProcess process;
        private volatile ExecutionControl engine;
        private final List<String> pending = new ArrayList<>();

        Indexing(Session session) {
            this.session = session;
        }

        /** Waits for the engine to connect, then gives it the class path added so far. */
        void connect(EngineProcess process) throws IOException {
            this.process = process;
            process.connect(Duration.ofSeconds(60));
            ExecutionControl control = process.executionControl();
            synchronized (this) {
                try {
                    for (String path : pending) control.addToClasspath(path);
                } catch (ExecutionControl.ExecutionControlException e) {
                    throw new IOException("the engine could not add " + pending + " to its class path: " + e.getMessage(), e);
                }
                pending.clear();
                engine = control;
            }
        }

        @Override
        public void load(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
            index(classes);
            engine.load(classes);
        }

        @Override
        public void redefine(ClassBytecodes[] classes) throws ClassInstallException, NotImplementedException, EngineTerminationException {
            index(classes);
            engine.redefine(classes);
        }

        private void index(ClassBytecodes[] classes) {
            session.index.loaded(java.util.Arrays.stream(classes).map(ClassBytecodes::name).toArray(String[]::new));
        }

        @Override
        public String invoke(String className, String methodName) throws RunException, EngineTerminationException, InternalException {
            session.index.resolve(session.analysis);
            return engine.invoke(className, methodName);
        }

        @Override
        public String varValue(String className, String varName) throws RunException, EngineTerminationException, InternalException {
            return engine.varValue(className, varName);
        }

        @Override
        public void addToClasspath(String path) throws EngineTerminationException, InternalException {
            synchronized (this) {
                if (engine == null) {
                    pending.add(path);
                    return;
                }
            }
            engine.addToClasspath(path);
        }

        @Override
        public void stop() throws EngineTerminationException, InternalException {
            ExecutionControl e = engine;
            if (e != null) e.stop(); // before the connection, nothing runs
        }

        @Override
        public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
            return engine.extensionCommand(command, arg);
        }

        @Override
        public void close() {
            EngineProcess p = process;
            if (p != null) p.kill();
        }
    }
}
