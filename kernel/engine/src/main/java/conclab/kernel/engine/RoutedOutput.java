package conclab.kernel.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code System.out} and {@code System.err} write to in the engine: a stream that sends each line to the
 * cell that owns the writing thread.
 *
 * <p>{@code System.out} is set once, when the engine starts, and never swapped; so a stream captured in a
 * variable, a method reference {@code System.out::println} or a logger made in a cell all keep writing to
 * the right cell, during that cell, during a later one, or between cells.
 *
 * <p>Each thread has its own {@link LineBuffer}; buffers holding an unfinished line are kept in
 * {@link #partial} so the engine's flusher can send text a thread left without newline.
 */
final class RoutedOutput extends OutputStream {
    /** Where complete text goes: the engine forwards it to the kernel. */
    interface Sink {
        void emit(Cell cell, byte stream, String text) throws InterruptedIOException;
    }

    private final Sink sink;
    private final byte stream;
    private final ThreadLocal<LineBuffer> buffers = ThreadLocal.withInitial(() -> new LineBuffer(this));
    /** Buffers that hold an unfinished line. */
    private final Set<LineBuffer> partial = ConcurrentHashMap.newKeySet();

    RoutedOutput(Sink sink, byte stream) {
        this.sink = sink;
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        buffers.get().write(b, off, len);
    }

    /**
     * Does nothing. A {@code PrintStream} with auto-flush calls this after every {@code print}, so obeying it
     * would send half lines and mix the lines of threads. Unfinished lines go out through
     * {@link #flushCallingThread} (at the end of a cell, before a display or an input box) or the flusher.
     */
    @Override
    public void flush() {
    }

    /** Sends the calling thread's unfinished line now. */
    void flushCallingThread() throws InterruptedIOException {
        buffers.get().flush();
    }

    /** Sends every thread's unfinished line that was last written at least {@code ageNanos} ago. */
    void flushStale(long ageNanos) throws InterruptedIOException {
        for (LineBuffer b : partial) b.flushIfOlder(ageNanos);
    }

    void partial(LineBuffer buffer, boolean holdsText) {
        if (holdsText) partial.add(buffer);
        else partial.remove(buffer);
    }

    void emit(Cell cell, String text) throws InterruptedIOException {
        sink.emit(cell, stream, text);
    }
}
