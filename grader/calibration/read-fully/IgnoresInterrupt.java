// fails: stops-on-interrupt
// The old reference: once the thread is interrupted every select() returns at once, and the non-blocking read() ignores the interrupt: it spins.
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
                    selector.select();
                    selector.selectedKeys().clear();
                }
            }
        }
    }
}
