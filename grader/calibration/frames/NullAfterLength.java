// fails: end-of-stream
// One helper fills both the length and the body, and returns false when the stream ended before any byte of its part; receive returns null for either: a stream that ends right after a length (the body never came) reads as a clean end, not EOFException.
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Messages over a pair of byte streams (a child's stdout and stdin, a socket's): each message travels as a
 * frame, its length in 4 bytes (big-endian), then its bytes in UTF-8.
 */
class Messages {
    /** The longest message receive accepts, in bytes: a longer length means a corrupt stream. */
    static final int MAX = 16 << 20;
    /** Where messages come from. */
    private final InputStream in;
    /** Where messages go. */
    private final OutputStream out;

    Messages(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    /** Sends one message, so that the other side can read it now. */
    void send(String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        out.write(body);
        out.flush(); // else the frame may wait in a buffer (a Process's stdin has one) while the other side waits for it
    }

    /**
     * The next message, waiting for it; null if the stream ended between two messages (the other side is
     * done); EOFException if it ended inside one (the other side died while it wrote); another IOException,
     * before reading the body, if the length is below 0 or above MAX.
     */
    String receive() throws IOException {
        byte[] header = new byte[4];
        if (!fill(header)) return null;
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX) {
            throw new StreamCorruptedException("a frame of " + length + " bytes: not a frame of ours, or a corrupt stream");
        }
        byte[] body = new byte[length];
        if (!fill(body)) return null; // the stream ended
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Fills b from in: false if the stream ended before any byte of it, EOFException if it ended partway. */
    private boolean fill(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int n = in.read(b, off, b.length - off);
            if (n < 0) {
                if (off == 0) return false;
                throw new EOFException("the stream ended after " + off + " of " + b.length + " bytes");
            }
            off += n;
        }
        return true;
    }
}
