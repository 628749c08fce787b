// fails: reads-everything
// Reads before it tests whether dst is full (a do-while): given a dst with nothing remaining, read returns 0 and it waits in select() for data it does not need, for ever on an idle connection (readFully(channel, ByteBuffer.allocate(0)) should return at once).
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    /**
     * Reads from channel (non-blocking) until dst is full. While no data is there, waits with a selector,
     * never by calling read() again and again. Throws EOFException if the stream ends first, and
     * InterruptedIOException if the thread is interrupted while it waits. Closes its selector.
     */
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            do {
                int n = channel.read(dst);
                if (n < 0) throw new EOFException(dst.remaining() + " bytes missing: the stream ended");
                if (n == 0) {                  // nothing yet: sleep until the channel is readable
                    selector.select();
                    selector.selectedKeys().clear();
                    if (Thread.interrupted()) {   // an interrupt makes every select() return at once
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for data");
                    }
                }
            } while (dst.hasRemaining());
        } // closing the selector cancels the registration
    }
}
