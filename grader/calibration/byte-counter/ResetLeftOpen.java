// fails: reset-connection
// Catches the IOException of a reset connection and reports it, but only cancels its key: the channel (a socket) stays open.
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
                    ready.remove();                       // or the next select reports it again
                    if (key.isAcceptable()) {
                        SocketChannel client = server.accept();
                        if (client == null) continue;     // someone else took it: nothing to accept
                        client.configureBlocking(false);
                        client.register(selector, SelectionKey.OP_READ, new long[1]); // its count
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
                        } else {                          // the client closed: report and forget it
                            closed.accept(client.getRemoteAddress(), count[0]);
                            client.close();               // also cancels its key
                            finished++;
                        }
                    }
                }
            }
        }
    }
}