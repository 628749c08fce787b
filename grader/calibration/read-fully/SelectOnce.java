// fails: no-spinning, waits-in-select, stops-on-interrupt
// Waits in select() once, before the first read, then calls read() again and again: spins once the first bytes came.
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
            selector.select();
            while (dst.hasRemaining()) {
                if (channel.read(dst) < 0) throw new EOFException(dst.remaining() + " bytes missing");
            }
        }
    }
}
