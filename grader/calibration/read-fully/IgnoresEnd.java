// fails: end-of-stream, stops-on-interrupt
// Never checks for -1: at the end of the stream the channel is always readable, and the loop never ends.
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
            while (dst.hasRemaining()) {
                if (channel.read(dst) <= 0) {
                    selector.select();
                    selector.selectedKeys().clear();
                }
            }
        }
    }
}
