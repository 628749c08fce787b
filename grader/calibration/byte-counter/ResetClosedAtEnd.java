// fails: reset-connection
// As ResetLeftOpen (a reset connection is reported and its key cancelled, its channel not closed), with the
// defensive clean-up many servers have: every channel accepted is kept in a list and closed in a finally when serve
// returns. A reset connection's socket stays open for as long as serve runs (a descriptor leaked per reset client
// on a long-lived server); the check counts sockets only after serve has returned.
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
        List<SocketChannel> accepted = new ArrayList<>();
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
                        accepted.add(client);
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new long[1]);
                    } else if (key.isReadable()) {
                        SocketChannel client = (SocketChannel) key.channel();
                        long[] count = (long[]) key.attachment();
                        buffer.clear();
                        int n;
                        try {
                            n = client.read(buffer);
                        } catch (IOException e) {         // reset: report it and stop watching it
                            closed.accept(client.getRemoteAddress(), count[0]);
                            key.cancel();
                            finished++;
                            continue;
                        }
                        if (n >= 0) {
                            count[0] += n;
                        } else {                          // the client closed: report and close it
                            closed.accept(client.getRemoteAddress(), count[0]);
                            client.close();
                            finished++;
                        }
                    }
                }
            }
        } finally {
            for (SocketChannel c : accepted) c.close();   // whatever is left, when serve ends
        }
    }
}
