// fails: no-spinning, waits-in-select, stops-on-interrupt
// Calls read() again and again until data comes: a busy loop that burns a core while it waits.
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst) < 0) throw new EOFException(dst.remaining() + " bytes missing");
        }
    }
}
