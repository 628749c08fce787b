// fails: reads-everything, no-spinning, stops-on-interrupt
// One select, one read: takes whatever has arrived and returns, as if it were everything.
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            selector.select();
            if (channel.read(dst) < 0) throw new EOFException(dst.remaining() + " bytes missing");
        }
    }
}
