package conclab.kernel.engine;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's runtime: cells, the routed standard streams, and the event channel to the kernel.
 *
 * <p>There is one engine per JVM, made by {@link EngineMain}. It replaces {@code System.out},
 * {@code System.err} and {@code System.in} once, for good, with streams that route by the owning
 * {@link Cell} of the calling thread; it installs the default uncaught-exception handler, which reports a
 * dying thread to its cell; and it runs three daemon threads of its own, none owned by a cell:
 * {@code conclab-outbox} (writes events), {@code conclab-inbox} (reads the kernel's interrupts and input
 * replies) and {@code conclab-flusher} (sends unfinished lines left for a while, and output-limit notices).
 * A fourth, the shutdown hook {@code conclab-exit}, runs only when the JVM begins to exit: it tells the kernel
 * which thread called {@code System.exit}.
 *
 * <p>Cells begin and end on the main thread, the thread that runs snippets ({@link #begin}, {@link #end}).
 * Interrupts arrive on the inbox thread at any time ({@link #interrupt}).
 */
public final class Engine {
    /** Unfinished lines are sent once nothing was added to them for this long. */
    static final long STALE_NANOS = 100_000_000L;

    private static volatile Engine instance;

    /** The engine of this JVM, or null when the code runs elsewhere (plain jshell, a test). */
    public static Engine instance() {
        return instance;
    }

    final Outbox outbox;
    private final DataInputStream inbox;
    private final Thread main;
    private final RoutedOutput out = new RoutedOutput(this::output, EngineWire.STDOUT);
    private final RoutedOutput err = new RoutedOutput(this::output, EngineWire.STDERR);
    /** Every cell that began, by id; cells are small and a session has at most thousands. */
    private final Map<Long, Cell> cells = new ConcurrentHashMap<>();
    /** Input requests waiting for the kernel's reply, by request id. */
    private final Map<Integer, CompletableFuture<String>> inputs = new ConcurrentHashMap<>();
    private final AtomicInteger inputIds = new AtomicInteger();
    /** Magics asked for by notebook code, waiting for the kernel's reply, by request number (shared with inputIds). */
    private final Map<Integer, CompletableFuture<EngineWire.MagicReply>> magics = new ConcurrentHashMap<>();
    private final long maxLines, maxChars;
    /** The cell running on the main thread; null between cells. */
    private volatile Cell running;
    /** Who submitted which task; fed by the agent's hooks. */
    private final TaskOwners tasks = new TaskOwners(this::taskFailed);
    /** Failures already reported as a task's; the uncaught handler then stays silent. */
    private final Set<Throwable> reported = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private Engine(Socket events, Thread main, long maxLines, long maxChars) throws IOException {
        this.outbox = new Outbox(events.getOutputStream());
        this.inbox = new DataInputStream(new BufferedInputStream(events.getInputStream()));
        this.main = main;
        this.maxLines = maxLines;
        this.maxChars = maxChars;
    }

    /** Makes the engine of this JVM: takes over the standard streams and starts the engine's threads. */
    static Engine start(Socket events, Thread main, long maxLines, long maxChars) throws IOException {
        Engine e = new Engine(events, main, maxLines, maxChars);
        instance = e;
        System.setOut(new PrintStream(e.out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e.err, true, StandardCharsets.UTF_8));
        System.setIn(new RoutedInput(e));
        Thread.setDefaultUncaughtExceptionHandler(e::uncaught);
        e.tasks.install();
        e.outbox.start();
        Thread.ofPlatform().name("conclab-inbox").daemon().start(e::readInbox);
        Thread.ofPlatform().name("conclab-flusher").daemon().start(e::flushLoop);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("conclab-exit").unstarted(e::exiting));
        return e;
    }

    // ------------------------------------------------------------------ cells

    /** Called on the main thread before a cell's snippets run: from now on, the main thread is the cell's. */
    void begin(long id) {
        Cell cell = cells.computeIfAbsent(id, i -> new Cell(i, maxLines, maxChars)); // a cell may run code twice
        Thread.interrupted(); // an interrupt that came too late for the previous cell
        Cell.setCurrent(cell);
        running = cell;
    }

    /**
     * Called on the main thread after a cell's last snippet: sends what the main thread left unfinished and
     * the cell's output-limit notice, and returns a sync token the kernel waits for (see {@link Outbox#sync}).
     */
    long end(long id, boolean threadNotice) {
        flushCallingThread();
        Cell cell = cells.get(id);
        if (cell != null) {
            String alive = threadNotice ? ThreadReports.stillRunning(cell, main) : null;
            if (alive != null) outbox.sendQuietly(new Outbox.Output(id, EngineWire.STDERR, alive));
            String notice = cell.dropNotice();
            if (notice != null) outbox.sendQuietly(new Outbox.Output(id, EngineWire.STDERR, notice));
        }
        running = null;
        Thread.interrupted();
        return outbox.sync();
    }

    /**
     * Stops the work of a cell: stop checks throw in its threads from now on, and its threads are
     * interrupted (but not a pool thread that is busy with another cell's task).
     */
    void interrupt(long id) {
        Cell cell = cells.get(id);
        if (cell == null) return;
        cell.stopping = true;
        StopCheck.anyStopping = true;
        if (running == cell) main.interrupt();
        for (Thread t : cell.liveThreads()) {
            if (t != main && !busyElsewhere(t, cell)) t.interrupt();
        }
    }

    /** Stops every cell but {@code spared}; returns the threads still alive after {@code wait}. */
    List<Thread> stopAll(long spared, java.time.Duration wait) {
        List<Thread> threads = new ArrayList<>();
        for (Cell cell : cells.values()) {
            if (cell.id == spared) continue;
            interrupt(cell.id);
            for (Thread t : cell.liveThreads()) if (t != main) threads.add(t);
        }
        return ThreadReports.awaitEnd(threads, wait);
    }

    /** The cells, for listing their threads. */
    Collection<Cell> cells() {
        return cells.values();
    }

    private boolean busyElsewhere(Thread t, Cell owner) {
        if (owner.runsATaskOn(t)) return false;
        for (Cell other : cells.values()) if (other != owner && other.runsATaskOn(t)) return true;
        return false;
    }

    // ------------------------------------------------------------------ output, display, input

    void output(Cell cell, byte stream, String text) throws InterruptedIOException {
        String shown = cell == null ? text : cell.admit(text);
        if (shown.isEmpty()) return;
        outbox.send(new Outbox.Output(cell == null ? EngineWire.NO_CELL : cell.id, stream, shown));
    }

    /** Sends a display (or an update of one) on behalf of the calling thread's cell; returns its display id. */
    public String display(Map<String, String> bundle, String displayId, boolean update) {
        flushCallingThread(); // keep the order of prints and displays
        String id = displayId != null ? displayId : UUID.randomUUID().toString();
        Cell cell = Cell.current();
        outbox.sendQuietly(new Outbox.Frame(new EngineWire.Writer(EngineWire.DISPLAY)
                .putLong(cell == null ? EngineWire.NO_CELL : cell.id).putString(id).putBoolean(update).putMap(bundle)));
        return id;
    }

    /**
     * Clears the output of the calling thread's cell, everything it printed or displayed before; with
     * {@code wait}, the frontend clears it only when the next output arrives, so a view redrawn in a loop does
     * not flicker.
     */
    public void clearOutput(boolean wait) {
        flushCallingThread(); // what was printed before the call is cleared too
        Cell cell = Cell.current();
        outbox.sendQuietly(new Outbox.Frame(new EngineWire.Writer(EngineWire.CLEAR_OUTPUT)
                .putLong(cell == null ? EngineWire.NO_CELL : cell.id).putBoolean(wait)));
    }

    /**
     * Asks the kernel for one line of input on behalf of the calling thread's cell; blocks until it comes.
     * Returns the line with its newline, or null at end of input (the frontend cannot answer).
     */
    String readLine() throws InterruptedIOException {
        int request = inputIds.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        inputs.put(request, reply);
        Cell cell = Cell.current();
        try {
            flushCallingThread(); // a prompt printed without newline shows before the input box
            outbox.send(new Outbox.Frame(new EngineWire.Writer(EngineWire.INPUT_REQUEST)
                    .putLong(cell == null ? EngineWire.NO_CELL : cell.id).putInt(request)));
            String line = reply.get();
            return line == null ? null : line + "\n";
        } catch (InterruptedException e) {
            throw new InterruptedIOException("interrupted while waiting for input");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            inputs.remove(request);
        }
    }

    /**
     * Asks the kernel to run the line magic {@code line} ({@code "name args"}, as after a {@code %}) for the
     * calling thread's cell, and returns the magic's value as text (null if it has none); blocks until the
     * magic is done. What the magic shows appears under that cell.
     *
     * @throws IllegalArgumentException when the kernel refuses it (no such magic, a wrong argument): the
     *         message says what to do
     * @throws java.util.concurrent.CancellationException when the waiting thread is interrupted
     */
    public String magic(String line) {
        int request = inputIds.incrementAndGet();
        CompletableFuture<EngineWire.MagicReply> reply = new CompletableFuture<>();
        magics.put(request, reply);
        Cell cell = Cell.current();
        try {
            flushCallingThread();
            outbox.send(new Outbox.Frame(new EngineWire.Writer(EngineWire.MAGIC_REQUEST)
                    .putLong(cell == null ? EngineWire.NO_CELL : cell.id).putInt(request).putString(line)));
            EngineWire.MagicReply r = reply.get();
            if (r.error() != null) throw new IllegalArgumentException(r.error());
            return r.value();
        } catch (InterruptedException | InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("the magic %" + line + " was interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            magics.remove(request);
        }
    }

    private void flushCallingThread() {
        try {
            out.flushCallingThread();
            err.flushCallingThread();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The default uncaught-exception handler: reports the dying thread to the kernel, for its cell. */
    private void uncaught(Thread thread, Throwable error) {
        if (error instanceof CellStopped || reported.remove(error)) return;
        report(Cell.current(), thread, error);
    }

    /** A task failed on a pool thread; reported now, for the task's cell (the thread's own may differ). */
    private void taskFailed(Cell cell, Throwable error) {
        reported.add(error);
        report(cell, Thread.currentThread(), error);
    }

    private void report(Cell cell, Thread thread, Throwable error) {
        flushCallingThread();
        outbox.sendQuietly(new Outbox.Frame(new EngineWire.Writer(EngineWire.THREAD_ERROR)
                .putLong(cell == null ? EngineWire.NO_CELL : cell.id).putString(ThreadReports.name(thread)).putThrowable(error)));
    }

    /**
     * A shutdown hook: tells the kernel which thread called System.exit, so the cell can say so. (After
     * {@code Runtime.halt} or a crash, hooks do not run; the kernel then knows only the exit code.)
     */
    private void exiting() {
        Thread caller = null;
        for (var e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement f : e.getValue()) {
                if (f.getClassName().equals("java.lang.Shutdown") && f.getMethodName().equals("exit")) caller = e.getKey();
            }
        }
        long cell = EngineWire.NO_CELL;
        for (Cell c : cells.values()) if (caller != null && (caller == main && c == running || c.liveThreads().contains(caller))) cell = c.id;
        outbox.sendQuietly(new Outbox.Frame(new EngineWire.Writer(EngineWire.EXITING).putLong(cell)
                .putString(caller == null ? null : ThreadReports.name(caller))));
        outbox.drain(java.time.Duration.ofMillis(500));
    }

    // ------------------------------------------------------------------ engine threads

    private void readInbox() {
        try {
            for (EngineWire.Reader frame; (frame = EngineWire.Reader.next(inbox)) != null; ) {
                switch (frame.type) {
                    case EngineWire.INTERRUPT -> interrupt(frame.getLong());
                    case EngineWire.INPUT_REPLY -> {
                        CompletableFuture<String> reply = inputs.get(frame.getInt());
                        String text = frame.getString();
                        if (reply != null) reply.complete(text);
                    }
                    case EngineWire.MAGIC_REPLY -> {
                        CompletableFuture<EngineWire.MagicReply> reply = magics.get(frame.getInt());
                        EngineWire.MagicReply r = new EngineWire.MagicReply(frame.getString(), frame.getString());
                        if (reply != null) reply.complete(r);
                    }
                    default -> { } // a newer kernel; ignore what we do not know
                }
            }
        } catch (IOException e) {
            // the kernel is gone
        }
        // Without its kernel the engine has no purpose; user threads must not keep it alive.
        Runtime.getRuntime().halt(0);
    }

    private void flushLoop() {
        while (true) {
            try {
                Thread.sleep(STALE_NANOS / 2_000_000);
                out.flushStale(STALE_NANOS);
                err.flushStale(STALE_NANOS);
                for (Cell cell : cells.values()) {
                    if (cell == running) continue; // a running cell's notice comes at its end
                    String notice = cell.dropNotice();
                    if (notice != null) outbox.sendQuietly(new Outbox.Output(cell.id, EngineWire.STDERR, notice));
                }
            } catch (InterruptedException | InterruptedIOException e) {
                return;
            }
        }
    }
}
