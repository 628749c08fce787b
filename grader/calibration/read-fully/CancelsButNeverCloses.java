// fails: closes-selector
// Cancels its key and lets a selectNow() deregister the channel, but never closes the selector: the channel is left
// unregistered, yet each call leaks the selector's epoll instance.
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
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        try {
            readWith(selector, channel, dst);
        } finally {
            key.cancel();
            selector.selectNow(); // deregisters the cancelled key: the channel is free again (but the selector stays open)
        }
    }

    private static void readWith(Selector selector, SocketChannel channel, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst);
            if (n < 0) throw new EOFException(dst.remaining() + " bytes missing: the stream ended");
            if (n == 0) {
                selector.select();
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for data");
                }
            }
        }
    }
}
