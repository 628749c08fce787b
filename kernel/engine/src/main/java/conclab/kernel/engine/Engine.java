package conclab.kernel.engine;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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
    private final RoutedOutput out = new RoutedOutput(this::output, Wire.STDOUT);
    private final RoutedOutput err = new RoutedOutput(this::output, Wire.STDERR);
    /** Every cell that began, by id; cells are small and a session has at most thousands. */
    private final Map<Long, Cell> cells = new ConcurrentHashMap<>();
    /** Input requests waiting for the kernel's reply, by request id. */
    private final Map<Integer, CompletableFuture<String>> inputs = new ConcurrentHashMap<>();
    private final AtomicInteger inputIds = new AtomicInteger();
    private final long maxLines, maxBytes;
    /** The cell running on the main thread; null between cells. */
    private volatile Cell running;

    private Engine(Socket events, Thread main, long maxLines, long maxBytes) throws IOException {
        this.outbox = new Outbox(events.getOutputStream());
        this.inbox = new DataInputStream(new BufferedInputStream(events.getInputStream()));
        this.main = main;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /** Makes the engine of this JVM: takes over the standard streams and starts the engine's threads. */
    static Engine start(Socket events, Thread main, long maxLines, long maxBytes) throws IOException {
        Engine e = new Engine(events, main, maxLines, maxBytes);
        instance = e;
        System.setOut(new PrintStream(e.out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e.err, true, StandardCharsets.UTF_8));
        System.setIn(new RoutedInput(e));
        Thread.setDefaultUncaughtExceptionHandler(e::uncaught);
        e.outbox.start();
        Thread.ofPlatform().name("conclab-inbox").daemon().start(e::readInbox);
        Thread.ofPlatform().name("conclab-flusher").daemon().start(e::flushLoop);
        return e;
    }

    // ------------------------------------------------------------------ cells

    /** Called on the main thread before a cell's snippets run: from now on, the main thread is the cell's. */
    void begin(long id) {
        Cell cell = new Cell(id, maxLines, maxBytes);
        cells.put(id, cell);
        Thread.interrupted(); // an interrupt that came too late for the previous cell
        Cell.setCurrent(cell);
        running = cell;
    }

    /**
     * Called on the main thread after a cell's last snippet: sends what the main thread left unfinished and
     * the cell's output-limit notice, and returns a sync token the kernel waits for (see {@link Outbox#sync}).
     */
    long end(long id) {
        flushCallingThread();
        Cell cell = cells.get(id);
        if (cell != null) {
            String notice = cell.dropNotice();
            if (notice != null) outbox.sendQuietly(new Outbox.Output(id, Wire.STDERR, notice));
        }
        running = null;
        Thread.interrupted();
        return outbox.sync();
    }

    /** Stops the work of a cell: stop checks throw in its threads, and its running thread is interrupted. */
    void interrupt(long id) {
        Cell cell = cells.get(id);
        if (cell == null) return;
        cell.stopping = true;
        StopCheck.anyStopping = true;
        if (running == cell) main.interrupt();
    }

    // ------------------------------------------------------------------ output, display, input

    void output(Cell cell, byte stream, String text, int lines, int bytes) throws InterruptedIOException {
        if (cell != null && !cell.admit(lines, bytes)) return;
        outbox.send(new Outbox.Output(cell == null ? Wire.NO_CELL : cell.id, stream, text));
    }

    /** Sends a display (or an update of one) on behalf of the calling thread's cell; returns its display id. */
    public String display(Map<String, String> bundle, String displayId, boolean update) {
        flushCallingThread(); // keep the order of prints and displays
        String id = displayId != null ? displayId : UUID.randomUUID().toString();
        Cell cell = Cell.current();
        outbox.sendQuietly(new Outbox.Frame(new Wire.Writer(Wire.DISPLAY)
                .putLong(cell == null ? Wire.NO_CELL : cell.id).putString(id).putBoolean(update).putMap(bundle)));
        return id;
    }

    /**
     * Asks the kernel for one line of input on behalf of the calling thread's cell; blocks until it comes.
     * Returns the line with its newline, or null at end of input (the frontend cannot answer).
     */
    String readLine(String prompt) throws InterruptedIOException {
        int request = inputIds.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        inputs.put(request, reply);
        Cell cell = Cell.current();
        try {
            flushCallingThread(); // a prompt printed without newline shows before the input box
            outbox.send(new Outbox.Frame(new Wire.Writer(Wire.INPUT_REQUEST)
                    .putLong(cell == null ? Wire.NO_CELL : cell.id).putInt(request).putString(prompt)));
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
        if (error instanceof CellStopped) return;
        flushCallingThread();
        Cell cell = Cell.current();
        outbox.sendQuietly(new Outbox.Frame(new Wire.Writer(Wire.THREAD_ERROR)
                .putLong(cell == null ? Wire.NO_CELL : cell.id).putString(thread.getName()).putThrowable(error)));
    }

    // ------------------------------------------------------------------ engine threads

    private void readInbox() {
        try {
            for (Wire.Reader frame; (frame = Wire.Reader.next(inbox)) != null; ) {
                switch (frame.type) {
                    case Wire.INTERRUPT -> interrupt(frame.getLong());
                    case Wire.INPUT_REPLY -> {
                        CompletableFuture<String> reply = inputs.get(frame.getInt());
                        String text = frame.getString();
                        if (reply != null) reply.complete(text);
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
                    if (notice != null) outbox.sendQuietly(new Outbox.Output(cell.id, Wire.STDERR, notice));
                }
            } catch (InterruptedException | InterruptedIOException e) {
                return;
            }
        }
    }
}
