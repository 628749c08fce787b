// fails: own-selector
// Keeps one static Selector for all calls and only cancels its key (plus a selectNow) instead of closing it: no descriptor leaks and the channel ends unregistered, but two threads reading at once share a selector whose select() one of them holds, so the other cannot wait for its own channel.
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    /** One selector for every call: opening one (an epoll instance) per read is wasteful. */
    private static Selector selector;

    /**
     * Reads from channel (non-blocking) until dst is full. While no data is there, waits with a selector,
     * never by calling read() again and again. Throws EOFException if the stream ends first, and
     * InterruptedIOException if the thread is interrupted while it waits. Closes its selector.
     */
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        if (selector == null) selector = Selector.open();
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        try {
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
        } finally {
            key.cancel();
            selector.selectNow(); // deregisters the channel, so that the next call can register it again
        }
    }
}
