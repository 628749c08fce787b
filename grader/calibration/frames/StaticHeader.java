// fails: two-ways-at-once
// receive reads each length into one static 4-byte array, to save an allocation: send does not touch it, but two Messages receiving on two threads (one per child) overwrite each other's length between its reading and its use.
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

    /** The length of the message being received: allocated once, not on every receive. */
    private static final byte[] HEADER = new byte[4];

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
        int got = in.readNBytes(HEADER, 0, 4);
        if (got == 0) return null;
        if (got < 4) throw new EOFException("the stream ended inside the length of a message");
        int length = ByteBuffer.wrap(HEADER).getInt();
        if (length < 0 || length > MAX) { // else a corrupt length reads (and makes room for) up to 2 GB
            throw new StreamCorruptedException("a frame of " + length + " bytes: not a frame of ours, or a corrupt stream");
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) throw new EOFException("the stream ended after " + body.length + " of the " + length + " bytes of a message");
        return new String(body, StandardCharsets.UTF_8);
    }
}
