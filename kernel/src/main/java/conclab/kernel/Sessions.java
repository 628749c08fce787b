package conclab.kernel;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The kernel's one {@link Session}, and its replacement when the engine dies: the restart protocol.
 *
 * <p><b>The protocol.</b>
 * <ol>
 *   <li>A session is started in the background, on a thread {@code conclab-session-start}, when the kernel
 *       starts and whenever the current one is replaced. {@link #current} is the future of the session being
 *       started or running; a cell waits for it ({@link #get}).
 *   <li>A session is replaced only while it is still the current one, under this object's lock
 *       ({@link #replace}, and {@link #get} when it finds the session dead). So however many threads find
 *       the same engine dead (the shell thread, {@code conclab-events} after an OutOfMemoryError, a cell that
 *       saw its engine end), exactly one new engine is started.
 *   <li>An engine that ended while no cell ran (a late thread's {@code System.exit}, a crash, a kill from
 *       outside) is found by the next {@link #get}; it leaves a note for the next cell ({@link #takeEndedNote}),
 *       so that the variables' loss is never silent.
 *   <li>A session that failed to start is started again at the next {@link #get}, which reports the failure.
 * </ol>
 *
 * <p><b>State.</b> {@code current} is {@code volatile} and written under this object's lock. The settings
 * that outlive a session ({@code %threads notice}, {@code %classpath}) live here: {@code threadNotice} is
 * {@code volatile} (the shell thread writes it, a session reads it at each cell's end); {@code extraClasspath}
 * is copy-on-write (the shell thread adds, the thread that starts a session reads). {@code endedNote} is
 * {@code volatile}: written under the lock, taken by the shell thread.
 *
 * <p><b>Who closes a session.</b> A {@link Session} is used by the shell thread only, and so is closed only there
 * (its {@code JShell} is not safe for use by two threads). A session that another thread found dead
 * ({@code conclab-events} after an OutOfMemoryError between cells) is killed there, which ends its engine JVM,
 * and queued in {@code retired}; the next {@link #get} closes it. Shutdown closes the current one on the control
 * thread just before the process halts.
 */
final class Sessions {
    private final Options options;
    private final Outputs outputs;
    /** Jupyter's ports are bound: engines may be launched (see {@link Session#start}). */
    private final CompletableFuture<?> portsBound;
    private volatile CompletableFuture<Session> current;
    private volatile String endedNote;
    private volatile boolean threadNotice = true;
    private final List<String> extraClasspath = new CopyOnWriteArrayList<>();
    private final Queue<Session> retired = new ConcurrentLinkedQueue<>();

    /** Starts the first session in the background; no engine is launched before {@code portsBound} completes. */
    Sessions(Options options, Outputs outputs, CompletableFuture<?> portsBound) {
        this.options = options;
        this.outputs = outputs;
        this.portsBound = portsBound;
        synchronized (this) {
            start();
        }
    }

    /** Starts a new session in the background and makes it the current one. Call with this object's lock held. */
    private void start() {
        current = CompletableFuture.supplyAsync(() -> {
            try {
                SessionSide side = new SessionSide();
                Session s = Session.start(options, outputs.forEngine(side), () -> threadNotice, portsBound);
                side.session = s;
                s.addToClasspath(List.copyOf(extraClasspath)); // one call: see Session.addToClasspath
                return s;
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofPlatform().name("conclab-session-start").daemon().start(r));
    }

    /**
     * The live session, waiting for it to start; replaces a dead one. Throws with a message if it cannot start.
     * Called on the shell thread, which also closes here the sessions other threads retired.
     */
    Session get() throws IOException {
        for (Session r; (r = retired.poll()) != null; ) r.close();
        CompletableFuture<Session> f = current;
        try {
            Session s = f.get();
            if (s.isAlive()) return s;
            synchronized (this) {
                if (current == f) {
                    // Nobody saw it end: no cell was running.
                    if (s.killReason() == null) endedNote = "[conclab] " + whyEnded(s) + " It ended after its cell had"
                            + " finished. A new engine was started: the variables, methods and classes defined before are"
                            + " gone; run the cells you need again.\n";
                    s.close();
                    start();
                }
            }
            return current.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the engine was starting");
        } catch (ExecutionException e) {
            synchronized (this) {
                if (current == f) start(); // try again next time
            }
            Throwable cause = e.getCause() instanceof IOException io ? io : e.getCause();
            throw new IOException(cause.getMessage(), cause);
        }
    }

    /** The session if it has started, without waiting; null while it starts or if it failed to. */
    Session startedOrNull() {
        CompletableFuture<Session> f = current;
        return f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /**
     * The session for completion and inspection: waits a little for one that is starting (the first request
     * often comes right after the kernel starts), but gives null rather than hang on a broken one.
     */
    Session ready() {
        try {
            Session s = current.get(10, TimeUnit.SECONDS);
            return s.isAlive() ? s : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /** Starts a new session if {@code dead} is still the current one (it may have been replaced already). */
    synchronized void replace(Session dead) {
        if (startedOrNull() == dead) start();
    }

    /** What to tell the next cell about an engine that ended while no cell ran, or null; taken once. */
    String takeEndedNote() {
        String note = endedNote;
        if (note != null) endedNote = null;
        return note;
    }

    /**
     * A thread of {@code run} died of an OutOfMemoryError: the engine is killed (its state is unreliable) and
     * a new one started. A cell running now ends with that reason; otherwise the run that owned the thread
     * says so.
     */
    private void outOfMemory(Session s, CellRun run) {
        if (!s.isAlive()) return;
        CellRun running = outputs.current();
        s.kill("The engine JVM ran out of memory in a thread of cell [" + run.executionCount + "]."
                + " A JVM is not reliable after that, so it was restarted.");
        if (running == null) {
            outputs.print(run, true, "[conclab] The engine ran out of memory and was restarted: all variables are gone.\n");
            // Its engine is killed; its JShell is closed by the shell thread (get), the one thread that uses it.
            retired.add(s);
            replace(s);
        }
    }

    /**
     * One engine's side of its events ({@link Outputs.EngineSide}): its session. {@code session} is written once,
     * by {@code conclab-session-start} when {@link Session#start} returns, and read by that engine's
     * {@code conclab-events} thread and the request threads it starts. An event that comes before (from code
     * the session starts with) gets a plain stack trace, and a request then gets no reply: its engine is not
     * running cells yet.
     */
    private final class SessionSide implements Outputs.EngineSide {
        volatile Session session;

        @Override
        public void inputReply(int request, String line) {
            Session s = session;
            if (s != null) s.engine().inputReply(request, line);
        }

        @Override
        public void magicReply(int request, conclab.kernel.engine.EngineWire.MagicReply reply) {
            Session s = session;
            if (s != null) s.engine().magicReply(request, reply);
        }

        @Override
        public List<String> formatTrace(List<conclab.kernel.engine.EngineWire.Failure> chain) {
            Session s = session;
            return s != null ? s.threadTrace(chain) : List.of(chain.toString());
        }

        @Override
        public void outOfMemory(CellRun run) {
            Session s = session;
            if (s != null) Sessions.this.outOfMemory(s, run);
        }
    }

    /** Why the engine of {@code session}, which the kernel did not kill, ended: its exit code and last words. */
    static String whyEnded(Session session) {
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

    // ------------------------------------------------------------------ settings that outlive a session

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

    /**
     * Adds the {@code paths} not added before to the session's class path, in one call, and remembers them for later
     * sessions; returns those. Called on the shell thread only, so nothing can add between the check and the add.
     */
    List<String> addClasspath(Session session, List<String> paths) {
        List<String> fresh = paths.stream().distinct().filter(p -> !extraClasspath.contains(p)).toList();
        session.addToClasspath(fresh);
        extraClasspath.addAll(fresh);
        return fresh;
    }
}
