// fails:
// Correct: send writes through a DataOutputStream made once per Messages (writeInt keeps the length in that stream's own buffer), so nothing is shared between two Messages, and receive shares nothing with send.
import java.io.DataOutputStream;
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
    private final DataOutputStream out;

    Messages(InputStream in, OutputStream out) {
        this.in = in;
        this.out = new DataOutputStream(out);
    }

    void send(String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        out.writeInt(body.length);
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
