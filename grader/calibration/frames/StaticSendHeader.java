// fails: two-ways-at-once
// send writes each length from one static ByteBuffer, to save an allocation: receive does not touch it, but two Messages sending on two threads (one per child) overwrite each other's length while a write has not yet copied it.
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

class Messages {
    static final int MAX = 16 << 20;
    private final InputStream in;
    private final OutputStream out;
    /** The header of the frame being sent: allocated once, shared by every Messages (a static field). */
    private static final ByteBuffer SEND_HEADER = ByteBuffer.allocate(4);

    Messages(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void send(String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        SEND_HEADER.clear().putInt(body.length);
        out.write(SEND_HEADER.array());
        out.write(body);
        out.flush();
    }

    String receive() throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length == 0) return null;
        if (header.length < 4) throw new EOFException("inside the length");
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX) throw new StreamCorruptedException("bad length " + length);
        byte[] body = in.readNBytes(length);
        if (body.length < length) throw new EOFException("inside the message");
        return new String(body, StandardCharsets.UTF_8);
    }
}
