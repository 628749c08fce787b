// fails: closes
// NoFinally: closes the selector only on the normal path (no try/finally): if serve ends by an exception (the
// callback throws, the server channel is closed under it, an interrupt), the selector and every open client leak.
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.*;
import java.util.function.BiConsumer;

class ByteCounter {
    static void serve(ServerSocketChannel server, int clients, BiConsumer<SocketAddress, Long> closed) throws IOException {
        Selector selector = Selector.open();
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
                    try { n = client.read(buffer); } catch (IOException e) { n = -1; }
                    if (n >= 0) count[0] += n;
                    else {
                        SocketAddress address = client.getRemoteAddress();
                        client.close();
                        finished++;
                        closed.accept(address, count[0]);
                    }
                }
            }
        }
        selector.close();
    }
}
