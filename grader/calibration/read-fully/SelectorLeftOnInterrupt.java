// fails: closes-selector
// Closes the selector by hand before it returns and before it throws EOFException, but not before it throws the
// InterruptedIOException: that selector leaks, and the channel stays registered with it.
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        Selector selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        while (dst.hasRemaining()) {
            int n = channel.read(dst);
            if (n < 0) {
                selector.close();
                throw new EOFException(dst.remaining() + " bytes missing: the stream ended");
            }
            if (n == 0) {
                selector.select();
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for data");
                }
            }
        }
        selector.close();
    }
}
