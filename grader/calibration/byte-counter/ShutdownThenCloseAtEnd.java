// fails: closes, reset-connection
// At the end of a client's stream (or a reset) it reports, cancels the key and shuts the channel's output down, so
// the client reads the end of the stream at once, and keeps the channel in a list closed in a finally when serve
// ends: each finished connection holds its socket until serve returns. Two of the notebook's "not enough"s together.
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
        List<SocketChannel> done = new ArrayList<>();
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
                        int n;
                        try {
                            n = client.read(buffer);
                        } catch (IOException e) {
                            n = -1;
                        }
                        if (n >= 0) {
                            count[0] += n;
                        } else {
                            closed.accept(client.getRemoteAddress(), count[0]);
                            key.cancel();
                            try {
                                client.shutdownOutput();      // "we are done too"
                            } catch (IOException e) {
                                // reset: nothing to shut down
                            }
                            done.add(client);                 // closed when serve ends
                            finished++;
                        }
                    }
                }
            }
        } finally {
            for (SocketChannel c : done) c.close();
        }
    }
}
