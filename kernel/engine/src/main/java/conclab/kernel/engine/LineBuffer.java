package conclab.kernel.engine;

import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The unfinished line of one thread on one stream.
 *
 * <p>Bytes are held until a newline arrives; then every complete line goes out at once, so a line is never
 * mixed with another thread's. What is left (a {@code print} without newline) goes out on an explicit
 * flush, when the writing thread changes cells, when it is older than the engine's staleness limit (see
 * {@link RoutedOutput#flushStale}), or when it grows past {@link #MAX_LINE} bytes.
 *
 * <p>All methods are synchronized: the owning thread writes, the flusher thread may take stale text.
 */
final class LineBuffer {
    /** A line longer than this is sent in pieces. */
    static final int MAX_LINE = 64 * 1024;

    private final RoutedOutput stream;
    private byte[] bytes = new byte[0];
    private int count;
    /** The cell of the last write; the owner of the bytes held. */
    private Cell cell;
    /** System.nanoTime() of the last write. */
    private long lastWrite;

    LineBuffer(RoutedOutput stream) {
        this.stream = stream;
    }

    synchronized void write(byte[] b, int off, int len) throws InterruptedIOException {
        Cell writer = Cell.current();
        if (count > 0 && writer != cell) emit(count);
        cell = writer;
        ensure(count + len);
        System.arraycopy(b, off, bytes, count, len);
        count += len;
        int end = lastNewline() + 1;
        if (end > 0) emit(end);
        if (count > MAX_LINE) emit(completeUtf8(count));
        lastWrite = System.nanoTime();
        stream.partial(this, count > 0);
    }

    /** Sends everything held (up to a complete UTF-8 character). */
    synchronized void flush() throws InterruptedIOException {
        if (count > 0) emit(completeUtf8(count));
        stream.partial(this, count > 0);
    }

    /** Sends what is held if it was written at least {@code ageNanos} ago. */
    synchronized void flushIfOlder(long ageNanos) throws InterruptedIOException {
        if (count > 0 && System.nanoTime() - lastWrite >= ageNanos) flush();
    }

    private int lastNewline() {
        for (int i = count - 1; i >= 0; i--) if (bytes[i] == '\n') return i;
        return -1;
    }

    /** Sends bytes [0, end) and keeps the rest. */
    private void emit(int end) throws InterruptedIOException {
        if (end <= 0) return;
        String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
        System.arraycopy(bytes, end, bytes, 0, count - end);
        count -= end;
        stream.emit(cell, text);
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(capacity, Math.max(256, bytes.length * 2)));
    }

    /**
     * The largest n <= end such that bytes [0, n) do not end inside a UTF-8 sequence. Only a trailing
     * incomplete sequence is held back; anything else (even invalid bytes) is sent.
     */
    private int completeUtf8(int end) {
        for (int back = 1; back <= 3 && end - back >= 0; back++) {
            int b = bytes[end - back] & 0xff;
            if ((b & 0xc0) == 0x80) continue; // continuation byte: keep looking for the lead byte
            int need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
            return need > back ? end - back : end;
        }
        return end;
    }
}
