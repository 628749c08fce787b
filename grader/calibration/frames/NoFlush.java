// fails: flushes, through-a-child
// Never flushes: a frame may stay in the stream's buffer while the other side waits for it.
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    }

    /**
     * The next message, waiting for it; null if the stream ended between two messages (the other side is
     * done); EOFException if it ended inside one (the other side died while it wrote).
     */
    String receive() throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length == 0) return null;
        if (header.length < 4) throw new EOFException("the stream ended inside the length of a message");
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX) throw new java.io.StreamCorruptedException("a frame of " + length + " bytes: no frame of ours");
        byte[] body = in.readNBytes(length);
        if (body.length < length) throw new EOFException("the stream ended inside a message");
        return new String(body, StandardCharsets.UTF_8);
    }
}
