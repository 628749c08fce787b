// fails: closes, reset-connection
// At the end of a client's stream it cancels the key, so the selector forgets the channel and the loop does not
// spin, but it never closes the channel: a descriptor per client stays open, and the client never sees the server
// close its side.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        try (Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new long[1]);
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        long[] count = (long[]) key.attachment();
                        buffer.clear();
                        int n = client.read(buffer);
                        if (n >= 0) {
                            count[0] += n;
                        } else {
                            closed.accept(client.getRemoteAddress(), count[0]);
                            key.cancel();                         // forgotten by the selector, but still open
                            finished++;
                        }
                    }
                }
            }
        }
    }
}
