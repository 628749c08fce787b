// fails: reads-everything
// Reads into a buffer of its own, 8 KB at a time, and copies what fits into dst: the rest of a chunk is lost.
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

class Reader {
    static void readFully(SocketChannel channel, ByteBuffer dst) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (dst.hasRemaining()) {
                chunk.clear();
                int n = channel.read(chunk);
                if (n < 0) throw new EOFException(dst.remaining() + " bytes missing: the stream ended");
                if (n == 0) {
                    selector.select();
                    selector.selectedKeys().clear();
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for data");
                    }
                    continue;
                }
                chunk.flip();
                chunk.limit(Math.min(chunk.limit(), dst.remaining()));
                dst.put(chunk);
            }
        }
    }
}
