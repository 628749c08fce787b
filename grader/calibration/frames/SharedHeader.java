// fails: two-ways-at-once
// One header buffer for both directions, to save an allocation: a send on one thread overwrites the length a receive on another has just read, and the stream is lost.
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
    private final byte[] header = new byte[4]; // shared by send and receive

    Messages(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    void send(String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer.wrap(header).putInt(body.length);
        out.write(header);
        out.write(body);
        out.flush();
    }

    String receive() throws IOException {
        int n = in.readNBytes(header, 0, 4);
        if (n == 0) return null;
        if (n < 4) throw new EOFException("the stream ended inside the length of a message");
        int length = ByteBuffer.wrap(header).getInt();
        if (length < 0 || length > MAX) throw new StreamCorruptedException("a frame of " + length + " bytes");
        byte[] body = in.readNBytes(length);
        if (body.length < length) throw new EOFException("the stream ended inside a message");
        return new String(body, StandardCharsets.UTF_8);
    }
}
