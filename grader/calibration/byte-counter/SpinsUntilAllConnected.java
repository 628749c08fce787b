// fails: no-spin
// Polls with selectNow() for as long as some of the clients have not connected yet ("so that no connection waits
// for a blocking select"), and blocks in select() only once all of them have: it burns a core while a client is
// still to come. no-spin measures with every client connected (3 of 3), where it blocks.
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
            int accepted = 0, finished = 0;
            while (finished < clients) {
                if (accepted < clients) selector.selectNow();   // more to come: do not block
                else selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;
                        accepted++;
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
                            client.close();
                            finished++;
                        }
                    }
                }
            }
        }
    }
}
