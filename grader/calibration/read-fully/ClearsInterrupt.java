// fails: stops-on-interrupt
// Throws an InterruptedIOException when interrupted, but Thread.interrupted() cleared the flag and it never sets it again: the caller no longer sees the interrupt.
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
                    if (Thread.interrupted()) throw new InterruptedIOException();
                }
            }
        }
    }
}
