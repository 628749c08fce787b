package conclab.kernel.engine;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What {@code System.in} reads in the engine: lines typed in the notebook.
 *
 * <p>When the buffered line is used up, a read asks the kernel for the next one ({@link Engine#readLine}),
 * which shows an input box under the cell that owns the reading thread. The read blocks until the learner
 * answers; an interrupt ends the wait with an {@link InterruptedIOException}. End of input (-1) means the
 * frontend cannot answer (the cell was run without stdin, or it has finished).
 *
 * <p>The buffered line belongs to the cell whose thread asked for it. Threads of that cell share it, as they
 * would share a terminal's input; a thread of another cell never reads it: what one cell left unread is
 * dropped, and that thread asks for a line of its own.
 */
final class RoutedInput extends InputStream {
    private final Engine engine;
    /** The line being read, the position in it, and the cell it was typed for (null: none); guarded by this. */
    private byte[] line = new byte[0];
    private int position;
    private Cell owner;

    RoutedInput(Engine engine) {
        this.engine = engine;
    }

    @Override
    public synchronized int read() throws InterruptedIOException {
        if (!fill()) return -1;
        return line[position++] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, line.length - position);
        System.arraycopy(line, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return Cell.current() == owner ? line.length - position : 0;
    }

    /** Makes sure unread bytes of the calling thread's cell are buffered; false at end of input. */
    private boolean fill() throws InterruptedIOException {
        Cell cell = Cell.current();
        if (cell == owner && position < line.length) return true;
        String text = engine.readLine();
        if (text == null) return false;
        line = text.getBytes(StandardCharsets.UTF_8);
        position = 0;
        owner = cell;
        return true;
    }
}
