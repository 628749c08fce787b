// fails: no-spinning, waits-in-select
// Sleeps a millisecond between tries: little CPU, but it wakes a thousand times a second and answers late.
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst);
            if (n < 0) throw new EOFException(dst.remaining() + " bytes missing");
            if (n == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }
        }
    }
}
