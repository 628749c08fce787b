// fails: through-a-child
// One lock for both directions: a receive waiting for a message holds the lock a send needs (and a send blocked on a full pipe the lock receive needs), so a message bigger than the pipe never gets through.
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
    synchronized void send(String message) throws IOException {
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
    synchronized String receive() throws IOException {
        byte[] header = in.readNBytes(4); // readNBytes reads until it has 4, or the stream ends: one read() may give less
        if (header.length == 0) return null;
        if (header.length < 4) throw new EOFException("the stream ended inside the length of a message");
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX) { // else a corrupt length reads (and makes room for) up to 2 GB
            throw new StreamCorruptedException("a frame of " + length + " bytes: not a frame of ours, or a corrupt stream");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) throw new EOFException("the stream ended after " + body.length + " of the " + length + " bytes of a message");
        return new String(body, StandardCharsets.UTF_8);
    }
}