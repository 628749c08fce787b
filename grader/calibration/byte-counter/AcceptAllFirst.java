// fails: serves-others-meanwhile, reset-connection
// Accepts all the clients first, in blocking mode, and only then selects for reads: a client that connects, sends
// and closes is not reported until every other client has connected too.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < clients; i++) {
                SocketChannel client = server.accept();       // blocking: waits for the next client
                client.configureBlocking(false);
                client.register(selector, SelectionKey.OP_READ, new long[1]);
            }
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            int finished = 0;
            while (finished < clients) {
                selector.select();
                if (Thread.currentThread().isInterrupted()) throw new java.io.InterruptedIOException("serve was interrupted");
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    SocketChannel client = (SocketChannel) key.channel();
                    long[] count = (long[]) key.attachment();
                    buffer.clear();
                    int n = client.read(buffer);
                    if (n >= 0) {
                        count[0] += n;
                    } else {
                        closed.accept(client.getRemoteAddress(), count[0]);
                        client.close();
                        finished++;
                    }
                }
            }
        }
    }
}
