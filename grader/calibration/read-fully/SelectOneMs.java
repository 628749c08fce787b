// fails: no-spinning
// Waits in select(1) in a loop: little CPU, and select() on the stack, but it wakes up about a thousand times a second to find nothing.
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (dst.hasRemaining()) {
                int n = channel.read(dst);
                if (n < 0) throw new EOFException(dst.remaining() + " bytes missing: the stream ended");
                if (n == 0) {
                    selector.select(1);
                    selector.selectedKeys().clear();
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for data");
                    }
                }
            }
        }
    }
}
