// fails: serves-others-meanwhile, reset-connection
// Treats a read of 0 bytes or the first -1 as the same: a silent client that closes is reported with -1.
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
                        client.register(selector, SelectionKey.OP_READ, null);
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        long[] count = (long[]) key.attachment();
                        buffer.clear();
                        int n = client.read(buffer);
                        if (count == null) {                   // first read: starts the count with it
                            key.attach(count = new long[] {n});
                            if (n >= 0) continue;
                        } else if (n >= 0) {
                            count[0] += n;
                            continue;
                        }
                        closed.accept(client.getRemoteAddress(), count[0]);
                        client.close();
                        finished++;
                    }
                }
            }
        }
    }
}
